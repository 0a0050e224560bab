#!/usr/bin/env python3
"""transformers `generate` peer of `treepo bench tree`: the same prompts, length and weights.

Loads the GGUF dequantized to fp32 (`from_pretrained(dir, gguf_file=...)`, the weights the engine
decodes from), then for each prompt samples --batch sequences in one `generate` call with its KV
cache (temperature 1, no top-k / top-p, EOS suppressed until max_new_tokens so every sequence runs
the same length as the tree's paths). Prints generated tokens/s (medians over repeats).

    treepo bench tree --save-prompts /tmp/tree-prompts.json ...      # the prompts and the length
    python bench/peers/hf_generate.py --prompts /tmp/tree-prompts.json --threads 2

Run it with .venv-peers (scripts/setup-peers.sh).
"""

import argparse
import os

import torch
from transformers import AutoModelForCausalLM

from common import add_common_arguments, load_prompts, report, timed_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_common_arguments(parser, threads_help="torch intra-op threads")
    parser.add_argument("--batch", type=int, default=16, help="sequences per prompt, one generate call")
    parser.add_argument("--prompt-count", type=int, default=0, help="use only the first K prompts (0: all)")
    args = parser.parse_args()

    prompts, length = load_prompts(args.prompts)
    if args.prompt_count > 0:
        prompts = prompts[: args.prompt_count]
    torch.set_num_threads(args.threads)
    model = AutoModelForCausalLM.from_pretrained(
        os.path.dirname(args.gguf), gguf_file=os.path.basename(args.gguf), torch_dtype=torch.float32
    ).eval()

    def run(r: int) -> int:
        torch.manual_seed(r)
        generated = 0
        for ids in prompts:
            input_ids = torch.tensor([ids] * args.batch)
            out = model.generate(
                input_ids,
                attention_mask=torch.ones_like(input_ids),
                do_sample=True,
                temperature=1.0,
                top_k=0,
                top_p=1.0,
                max_new_tokens=length,
                min_new_tokens=length,
                use_cache=True,
                pad_token_id=model.config.eos_token_id,
            )
            generated += (out.shape[1] - len(ids)) * args.batch
        return generated

    with torch.inference_mode():
        generated, walls, cpus = timed_runs(args.warmup, args.repeats, run)
    report(
        f"engine=transformers-generate batch={args.batch} prompts={len(prompts)} "
        f"new_tokens={length} threads={args.threads}",
        generated, walls, cpus,
    )


if __name__ == "__main__":
    main()
