#!/usr/bin/env python3
"""PyTorch peer for `treepo bench`: the same Llama architecture (transformers LlamaForCausalLM,
eager), same batch and thread count, printing the same line format as the Swift benchmark.

  python bench/peers/torch_llama.py train [--threads N] [--repeats 7] [--weights DIR]
                                          [--batch-file FILE]

Needs torch (CPU build) and transformers; `scripts/setup-peers.sh` makes a venv with both.
`--weights DIR` loads an HF folder (e.g. written by `treepo bench train --save-weights DIR`);
otherwise the weights are a seeded random init (speed does not depend on them).
`--batch-file FILE` trains on the token ids and targets `treepo bench train --save-batch FILE`
wrote, so `loss0` (the loss before the first update) must equal treepo's.
"""

import argparse
import json
import statistics
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM

# ModelConfig.bench in Sources/TreePOEngine/Model/ModelConfig.swift.
BENCH = dict(
    vocab_size=512, hidden_size=256, intermediate_size=704, num_hidden_layers=4,
    num_attention_heads=8, num_key_value_heads=4, head_dim=32, rms_norm_eps=1e-5,
    rope_theta=10000.0, max_position_embeddings=128, tie_word_embeddings=False,
)


def matmul_flops(batch, length):
    """Same count as BenchTrain.matmulFlops: projections, LM head, full T×T attention, ×3."""
    c = BENCH
    n, h, hd = batch * length, c["hidden_size"], c["head_dim"]
    q, kv = c["num_attention_heads"] * hd, c["num_key_value_heads"] * hd
    per_layer = h * (q + 2 * kv) + q * h + 3 * h * c["intermediate_size"]
    proj = 2 * n * (c["num_hidden_layers"] * per_layer + h * c["vocab_size"])
    att = 4 * batch * c["num_hidden_layers"] * c["num_attention_heads"] * length * length * hd
    return 3 * (proj + att)


def sgemm_gflops():
    a, b = torch.rand(1024, 1024), torch.rand(1024, 1024)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - start)
    return 2 * 1024**3 / best / 1e9


def load_model(weights):
    if weights:
        model = LlamaForCausalLM.from_pretrained(weights, torch_dtype=torch.float32)
    else:
        torch.manual_seed(1)
        model = LlamaForCausalLM(LlamaConfig(**BENCH))
    return model.float().train()


def train(args):
    torch.set_num_threads(args.threads)
    model = load_model(args.weights)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
    if args.batch_file:
        with open(args.batch_file) as f:
            saved = json.load(f)
        args.batch, args.length = saved["batch"], saved["length"]
        shape = (args.batch, args.length)
        tokens = torch.tensor(saved["tokens"], dtype=torch.long).view(shape)
        targets = torch.tensor(saved["targets"], dtype=torch.long).view(shape)
    else:
        g = torch.Generator().manual_seed(2)
        tokens = torch.randint(0, BENCH["vocab_size"], (args.batch, args.length), generator=g)
        targets = torch.randint(0, BENCH["vocab_size"], (args.batch, args.length), generator=g)
    n = args.batch * args.length
    times, cpu_times, loss, first_loss = [], [], 0.0, 0.0
    for i in range(args.warmup + args.repeats):
        start = time.perf_counter()
        cpu_start = time.process_time()
        opt.zero_grad(set_to_none=False)
        logits = model(input_ids=tokens).logits
        out = torch.nn.functional.cross_entropy(logits.view(n, -1), targets.view(n))
        out.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        elapsed = (time.perf_counter() - start) * 1000
        if i >= args.warmup:
            times.append(elapsed)
            cpu_times.append((time.process_time() - cpu_start) * 1000)
        loss = out.item()
        if i == 0:
            first_loss = loss
    median = statistics.median(times)
    print(
        f"train engine=torch threads={args.threads} batch={args.batch}x{args.length} "
        f"median_ms={median:.1f} tokens_per_s={n / (median / 1000):.0f} "
        f"gflops={matmul_flops(args.batch, args.length) / median / 1e6:.1f} "
        f"sgemm_gflops={sgemm_gflops():.1f} cpu_ms={statistics.median(cpu_times):.1f} "
        f"loss0={first_loss:.6f} loss={loss:.4f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("train", help="time forward + backward + AdamW")
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--repeats", type=int, default=7)
    t.add_argument("--warmup", type=int, default=2)
    t.add_argument("--batch", type=int, default=8)
    t.add_argument("--length", type=int, default=128)
    t.add_argument("--weights", help="HF model folder to load instead of a random init")
    t.add_argument("--batch-file", help="JSON batch from `treepo bench train --save-batch`")
    args = parser.parse_args()
    {"train": train}[args.mode](args)


if __name__ == "__main__":
    main()
