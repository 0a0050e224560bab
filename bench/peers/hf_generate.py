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
import json
import os
import statistics
import time

import torch
from transformers import AutoModelForCausalLM

DEFAULT_GGUF = os.path.expanduser("~/.cache/treepo/models/SmolLM2-135M-Instruct.Q4_1.gguf")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", required=True, help="JSON from `treepo bench tree --save-prompts`")
    parser.add_argument("--gguf", default=DEFAULT_GGUF, help="the GGUF file (default: treepo's cache)")
    parser.add_argument("--threads", type=int, default=2, help="torch intra-op threads")
    parser.add_argument("--batch", type=int, default=16, help="sequences per prompt, one generate call")
    parser.add_argument("--prompt-count", type=int, default=0, help="use only the first K prompts (0: all)")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; medians are reported")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before timing")
    args = parser.parse_args()

    with open(args.prompts, encoding="utf-8") as f:
        spec = json.load(f)
    prompts, length = spec["prompts"], spec["max_new_tokens"]
    if args.prompt_count > 0:
        prompts = prompts[: args.prompt_count]
    torch.set_num_threads(args.threads)
    model = AutoModelForCausalLM.from_pretrained(
        os.path.dirname(args.gguf), gguf_file=os.path.basename(args.gguf), torch_dtype=torch.float32
    ).eval()

    walls, cpus = [], []
    generated = 0
    with torch.inference_mode():
        for r in range(args.warmup + args.repeats):
            torch.manual_seed(r)
            start, cpu_start = time.perf_counter(), time.process_time()
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
            if r >= args.warmup:
                walls.append(time.perf_counter() - start)
                cpus.append(time.process_time() - cpu_start)
    wall = statistics.median(walls)
    print(
        f"tree engine=transformers-generate batch={args.batch} prompts={len(prompts)} "
        f"new_tokens={length} threads={args.threads} generated={generated} "
        f"median_wall_s={wall:.2f} median_cpu_s={statistics.median(cpus):.2f} "
        f"generated_per_s={statistics.median(generated / w for w in walls):.1f}"
    )


if __name__ == "__main__":
    main()
