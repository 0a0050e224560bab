"""What the generation peers of `treepo bench tree` share: the prompt file, the timed repeats and
the one-line report that bench/decode-side-by-side.sh parses."""

import json
import os
import statistics
import time

DEFAULT_GGUF = os.path.expanduser("~/.cache/treepo/models/SmolLM2-135M-Instruct.Q4_1.gguf")


def add_common_arguments(parser, threads_help: str) -> None:
    parser.add_argument("--prompts", required=True, help="JSON from `treepo bench tree --save-prompts`")
    parser.add_argument("--gguf", default=DEFAULT_GGUF, help="the GGUF file (default: treepo's cache)")
    parser.add_argument("--threads", type=int, default=2, help=threads_help)
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; medians are reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")


def load_prompts(path: str):
    """The prompts (token ids) and the number of new tokens per sequence."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    return spec["prompts"], spec["max_new_tokens"]


def timed_runs(warmup: int, repeats: int, run):
    """Calls run(r) warmup + repeats times; returns (generated, walls, cpus) of the timed ones,
    where run returns the number of tokens it generated."""
    walls, cpus, generated = [], [], 0
    for r in range(warmup + repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        generated = run(r)
        if r >= warmup:
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu_start)
    return generated, walls, cpus


def report(fields: str, generated: int, walls, cpus) -> None:
    print(
        f"tree {fields} generated={generated} median_wall_s={statistics.median(walls):.2f} "
        f"median_cpu_s={statistics.median(cpus):.2f} "
        f"generated_per_s={statistics.median(generated / w for w in walls):.1f}"
    )
