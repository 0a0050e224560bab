#!/usr/bin/env python3
"""llama.cpp peer of `treepo bench tree`: the same GGUF file, prompts and length, one stream.

llama-cpp-python decodes one sequence at a time (its Python API has no batch of streams), so
this samples --streams sequences one after another — round-robin over the prompts, each from its
prompt (a repeated prompt reuses llama.cpp's cached prefix, as its API does) — at temperature 1
with top-k, top-p and min-p off, --max-new-tokens tokens each, never stopping at EOS (the
generator is read for exactly that many). Prints generated tokens/s (medians over repeats).

    treepo bench tree --save-prompts /tmp/tree-prompts.json ...
    python bench/peers/llamacpp_generate.py --prompts /tmp/tree-prompts.json --threads 2

Needs llama-cpp-python in .venv-peers (WITH_LLAMA_CPP=1 scripts/setup-peers.sh).
"""

import argparse
import json
import os
import statistics
import time

from llama_cpp import Llama

DEFAULT_GGUF = os.path.expanduser("~/.cache/treepo/models/SmolLM2-135M-Instruct.Q4_1.gguf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", required=True, help="JSON from `treepo bench tree --save-prompts`")
    parser.add_argument("--gguf", default=DEFAULT_GGUF, help="the GGUF file (default: treepo's cache)")
    parser.add_argument("--threads", type=int, default=2, help="llama.cpp threads")
    parser.add_argument("--streams", type=int, default=8, help="sequences per repeat, one at a time")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; medians are reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    args = parser.parse_args()

    with open(args.prompts, encoding="utf-8") as f:
        spec = json.load(f)
    prompts, length = spec["prompts"], spec["max_new_tokens"]
    context = max(len(p) for p in prompts) + length + 8
    llm = Llama(
        model_path=args.gguf, n_threads=args.threads, n_threads_batch=args.threads,
        n_ctx=context, seed=0, verbose=False,
    )

    walls, cpus = [], []
    generated = 0
    for r in range(args.warmup + args.repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        generated = 0
        for s in range(args.streams):
            ids = prompts[s % len(prompts)]
            stream = llm.generate(ids, temp=1.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0)
            for count, _ in enumerate(stream, start=1):
                if count == length:
                    break
            generated += length
        if r >= args.warmup:
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu_start)
    wall = statistics.median(walls)
    print(
        f"tree engine=llama.cpp streams={args.streams} prompts={len(prompts)} new_tokens={length} "
        f"threads={args.threads} generated={generated} median_wall_s={wall:.2f} "
        f"median_cpu_s={statistics.median(cpus):.2f} "
        f"generated_per_s={statistics.median(generated / w for w in walls):.1f}"
    )


if __name__ == "__main__":
    main()
