#!/usr/bin/env python3
"""Import throughput: `treepo import verl` vs Python's json module on the same synthetic dump.

  python3 scripts/bench_import.py [--gb 1] [--runs 3] [--dir /tmp/treepo-bench-verl]

Writes a synthetic verl `trainer.rollout_data_dir` (never committed; /tmp by default) of about
`--gb` GB: per step 64 prompts x 16 samples, half as TreePO trees (tree_idx,
token_count_per_step, fallback paths with ragged counts), half as flat GRPO groups, lines written
as verl does (`json.dumps(entry, ensure_ascii=False)`; math text with newlines and non-ASCII).
Then, side by side, `runs` times each: the release `treepo import verl DIR -o OUT` (the whole
import: parse, group, build trees, write the trace) and `json.loads` on every line of the same
files. Prints medians of wall time and MB/s and the ratio.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORDS = ("Let x = 3 so 2x + 1 = 7. Therefore the sum ∑ of the roots is 4; "
         "we check: (4 − 1)² = 9 ≥ 0. Hence \\boxed{42} is the answer. ").split(" ")


_POOL = {}


def text(rng, n):
    """A random n-word chunk from a pool (drawing every word each time made 1 GB take minutes)."""
    if n not in _POOL:
        r = random.Random(n)
        _POOL[n] = [" ".join(r.choice(WORDS) for _ in range(n)).replace(" so ", " so\n") for _ in range(512)]
    return rng.choice(_POOL[n])


def step_lines(rng, step):
    lines = []
    for p in range(64):
        prompt = f"Problem {step}-{p}: " + text(rng, 60)
        tree = p % 2 == 0
        segs = [text(rng, 70) for _ in range(4)]
        for i in range(16):
            entry = {"input": prompt, "gts": "42", "step": step, "uid": f"{step:04d}{p:04d}_0_{i}"}
            if tree:  # a binary tree of 4 rounds; the last 2 samples are fallbacks
                path = [(1, i // 8), (2, i // 4), (3, i // 2), (4, i)]
                parts = [segs[0] if k == 0 else text(rng, 70) if k == 3 else segs[k] for k in range(4)]
                counts = [len(s) // 4 for s in parts]
                if i >= 14:
                    path, counts = path[:1] + [(5, i)], counts + [counts[-1]]
                    parts = parts[:1] + [text(rng, 70)]
                entry["tree_idx"] = "0/" + "/".join(f"{r}-{q}" for r, q in path)
                entry["token_count_per_step"] = counts
                entry["output"] = "".join(parts)
            else:
                entry["output"] = segs[0] + text(rng, 200)
            entry["score"] = float(rng.random() < 0.4)
            entry["acc"] = entry["score"] > 0
            lines.append(json.dumps(entry, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def make_dump(directory, gb):
    os.makedirs(directory, exist_ok=True)
    rng = random.Random(0)
    total, step = 0, 1
    while total < gb * 1e9:
        path = os.path.join(directory, f"{step}.jsonl")
        if not os.path.exists(path):
            with open(path, "w", encoding="utf-8") as f:
                f.write(step_lines(rng, step))
        total += os.path.getsize(path)
        step += 1
    return total


def python_json(directory):
    for name in os.listdir(directory):
        if name.endswith(".jsonl"):
            with open(os.path.join(directory, name), "rb") as f:
                for line in f:
                    json.loads(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gb", type=float, default=1.0)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--dir", default="/tmp/treepo-bench-verl")
    args = ap.parse_args()
    size = make_dump(args.dir, args.gb)
    binary = subprocess.run(["swift", "build", "-c", "release", "--show-bin-path"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.strip() + "/treepo"
    out = args.dir.rstrip("/") + ".trace.jsonl"
    treepo, python, treepo_cpu, python_cpu, treepo_sys = [], [], [], [], []
    print(f"load average (1, 5, 15 min) at the start: {os.getloadavg()}", flush=True)
    for _ in range(args.runs):
        # The last run's trace is removed before the clock starts: renaming over it made the
        # import free its 0.7 GB of page cache inside the timed run (5% of the samples).
        if os.path.exists(out):
            os.remove(out)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run([binary, "import", "verl", args.dir, "-o", out], check=True, capture_output=True)
        treepo.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        treepo_cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
        treepo_sys.append(after.ru_stime - before.ru_stime)
        t, c = time.perf_counter(), time.process_time()
        python_json(args.dir)
        python.append(time.perf_counter() - t)
        python_cpu.append(time.process_time() - c)
    mb = size / 1e6
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print(f"dump: {mb:.0f} MB in {args.dir}; trace written: {os.path.getsize(out) / 1e6:.0f} MB")
    for name, wall, cpu in (("treepo import verl", treepo, treepo_cpu), ("python json.loads", python, python_cpu)):
        w, c = statistics.median(wall), statistics.median(cpu)
        print(f"{name:18}: wall median {w:.2f} s = {mb / w:.0f} MB/s; CPU median {c:.2f} s = {mb / c:.0f} MB/s"
              f"  (wall {[round(x, 2) for x in wall]}, CPU {[round(x, 2) for x in cpu]})")
    # The kernel's part is mostly writing the trace into the page cache; on a VM that hands freed
    # memory back to its host (free page reporting), fresh page-cache pages cost a host fault each.
    print(f"treepo system (kernel) CPU median {statistics.median(treepo_sys):.2f} s "
          f"({[round(x, 2) for x in treepo_sys]}) of its CPU")
    print(f"ratio (treepo/python throughput): wall {statistics.median(python) / statistics.median(treepo):.2f}x, "
          f"CPU {statistics.median(python_cpu) / statistics.median(treepo_cpu):.2f}x  "
          f"(python {sys.version.split()[0]}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')})")
    os.remove(out)


if __name__ == "__main__":
    main()
