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

from llama_cpp import Llama

from common import add_common_arguments, load_prompts, report, timed_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, threads_help="llama.cpp threads")
    parser.add_argument("--streams", type=int, default=8, help="sequences per repeat, one at a time")
    args = parser.parse_args()

    prompts, length = load_prompts(args.prompts)
    context = max(len(p) for p in prompts) + length + 8
    llm = Llama(
        model_path=args.gguf, n_threads=args.threads, n_threads_batch=args.threads,
        n_ctx=context, seed=0, verbose=False,
    )

    def run(r: int) -> int:
        for s in range(args.streams):
            ids = prompts[s % len(prompts)]
            stream = llm.generate(ids, temp=1.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0)
            for count, _ in enumerate(stream, start=1):
                if count == length:
                    break
        return args.streams * length

    generated, walls, cpus = timed_runs(args.warmup, args.repeats, run)
    report(
        f"engine=llama.cpp streams={args.streams} prompts={len(prompts)} new_tokens={length} "
        f"threads={args.threads}",
        generated, walls, cpus,
    )


if __name__ == "__main__":
    main()
