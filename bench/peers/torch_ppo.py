#!/usr/bin/env python3
"""PyTorch peer for `treepo bench ppo`: the same PPO step on the same weights and batch.

  python bench/peers/torch_ppo.py --weights DIR --batch-file FILE [--threads N] [--repeats 3]

DIR and FILE come from `treepo bench ppo --save-weights DIR --save-batch FILE` (an HF folder of
fp32 weights, e.g. SmolLM2-135M dequantized from its GGUF; paths of token ids with their prompt
length and per-token advantages). The step is what treepo's is: for each micro-batch of paths
(right-padded, attention mask), the log-probability of every response token; old log-probs are
those values detached (one update per step, so the weights have not moved); verl's vanilla
policy loss (clip 0.2 / 0.28, dual clip 3) aggregated token-mean over the whole batch; backward
accumulates over micro-batches; grad-norm clip 1; AdamW (betas 0.9/0.999, eps 1e-8, weight
decay 0.01). The entropy of each position is computed as a metric, without gradient, as treepo's
forward does. Prints the line `treepo bench ppo` prints; logp0 (mean response log-probability
before the first update) must match treepo's.
"""

import argparse
import json
import resource
import statistics
import time

import torch
from transformers import AutoModelForCausalLM


def step(model, opt, paths, micro, total_tokens, first):
    opt.zero_grad(set_to_none=False)
    logp_sum = 0.0
    pg_sum = 0.0
    for start in range(0, len(paths), micro):
        chunk = paths[start:start + micro]
        length = max(len(p["tokens"]) - 1 for p in chunk)
        ids = torch.zeros(len(chunk), length, dtype=torch.long)
        targets = torch.zeros(len(chunk), length, dtype=torch.long)
        mask = torch.zeros(len(chunk), length, dtype=torch.long)
        response = torch.zeros(len(chunk), length)
        adv = torch.zeros(len(chunk), length)
        for b, p in enumerate(chunk):
            t = p["tokens"]
            n = len(t) - 1
            ids[b, :n] = torch.tensor(t[:-1])
            targets[b, :n] = torch.tensor(t[1:])
            mask[b, :n] = 1
            first_response = p["prompt_length"] - 1
            response[b, first_response:n] = 1
            adv[b, first_response:n] = torch.tensor(p["advantages"])
        logits = model(input_ids=ids, attention_mask=mask).logits.float()
        logp_all = torch.log_softmax(logits, dim=-1)
        logp = logp_all.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        with torch.no_grad():
            _ = -(logp_all.exp() * logp_all).sum(-1)  # entropy, a metric
        old = logp.detach()
        ratio = torch.exp(torch.clamp(logp - old, -20, 20))
        loss1 = -adv * ratio
        loss2 = -adv * torch.clamp(ratio, 1 - 0.2, 1 + 0.28)
        clipped = torch.maximum(loss1, loss2)
        dual = torch.minimum(clipped, -adv * 3.0)
        pg = torch.where(adv < 0, dual, clipped)
        loss = (pg * response).sum() / total_tokens
        loss.backward()
        if first:
            logp_sum += float((old * response).sum())
        pg_sum += float(loss)
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    return logp_sum / total_tokens, pg_sum


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--batch-file", required=True)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    batch = json.load(open(args.batch_file))
    paths, micro = batch["paths"], batch["micro_batch"]
    model = AutoModelForCausalLM.from_pretrained(args.weights, dtype=torch.float32)
    model.train()
    opt = torch.optim.AdamW(
        model.parameters(), lr=batch["lr"], betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01)
    total_tokens = sum(len(p["tokens"]) - p["prompt_length"] for p in paths)
    positions = sum(len(p["tokens"]) - 1 for p in paths)
    times = []
    logp0 = pg0 = 0.0
    for i in range(args.repeats):
        start = time.perf_counter()
        logp, pg = step(model, opt, paths, micro, total_tokens, i == 0)
        times.append((time.perf_counter() - start) * 1000)
        if i == 0:
            logp0, pg0 = logp, pg
    ms = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"ppo engine=torch threads={args.threads} paths={len(paths)} positions={positions} "
        f"micro_batch={micro} median_ms={ms:.0f} tokens_per_s={positions / (ms / 1000):.1f} "
        f"logp0={logp0:.6f} pg_loss0={pg0:.6f} peak_rss_mib={rss:.0f}")


if __name__ == "__main__":
    main()
