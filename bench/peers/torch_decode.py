#!/usr/bin/env python3
"""PyTorch eager peer of `treepo bench decode`: the same model, weights and prompts, greedy.

transformers' LlamaForCausalLM with its own KV cache (past_key_values, use_cache=True), a manual
greedy loop: one batched forward over the prompts, then one forward per new token for the whole
batch. Prints the same line format as the Swift benchmark.

    treepo bench decode --save-weights /tmp/treepo-bench-model   # writes the HF folder
    python bench/peers/torch_decode.py --model /tmp/treepo-bench-model --threads 1

Run it with a python that has the CPU build of torch and transformers (scripts/setup-peers.sh
makes .venv-peers in the repo, or any venv with `pip install torch==2.13.0+cpu transformers`).
"""

import argparse
import statistics
import time

import torch
from transformers import LlamaForCausalLM


def prompt_token(b: int, j: int, vocab: int) -> int:
    """Prompt token j of sequence b: the same formula as BenchDecode.swift."""
    return (b * 7 + j * 3 + 1) % vocab


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="HF folder from `treepo bench decode --save-weights`")
    parser.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    parser.add_argument("--repeats", type=int, default=7, help="timed runs; the median is reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    parser.add_argument("--sequences", type=int, default=16)
    parser.add_argument("--prompt", type=int, default=16)
    parser.add_argument("--tokens", type=int, default=112, help="decode steps per sequence")
    parser.add_argument("--attn", default="sdpa", help="attn_implementation: sdpa (default) or eager")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    model = LlamaForCausalLM.from_pretrained(
        args.model, torch_dtype=torch.float32, attn_implementation=args.attn
    ).eval()
    vocab = model.config.vocab_size
    prompts = torch.tensor(
        [[prompt_token(b, j, vocab) for j in range(args.prompt)] for b in range(args.sequences)]
    )

    times = []
    cpu_times = []
    first_tokens = []
    with torch.inference_mode():
        for i in range(args.warmup + args.repeats):
            start = time.perf_counter()
            cpu_start = time.process_time()
            out = model(input_ids=prompts, use_cache=True)
            past = out.past_key_values
            logits = out.logits[:, -1, :]
            generated = []
            for _ in range(args.tokens):
                nxt = logits.argmax(dim=-1)
                generated.append(int(nxt[0]))
                out = model(input_ids=nxt[:, None], past_key_values=past, use_cache=True)
                past = out.past_key_values
                logits = out.logits[:, -1, :]
            elapsed = (time.perf_counter() - start) * 1000
            cpu = (time.process_time() - cpu_start) * 1000
            if i >= args.warmup:
                times.append(elapsed)
                cpu_times.append(cpu)
            first_tokens = generated[:8]
    median = statistics.median(times)
    decoded = args.sequences * args.tokens
    print(
        f"decode engine=torch threads={args.threads} sequences={args.sequences} "
        f"prompt={args.prompt} tokens={args.tokens} median_ms={median:.1f} "
        f"tokens_per_s={decoded / (median / 1000):.0f} cpu_ms={statistics.median(cpu_times):.1f} "
        f"first_tokens={','.join(map(str, first_tokens))}"
    )


if __name__ == "__main__":
    main()
