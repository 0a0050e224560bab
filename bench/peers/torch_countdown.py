#!/usr/bin/env python3
"""PyTorch peer for `treepo pretrain`: the same architecture (transformers LlamaForCausalLM, eager),
the same generated Countdown data in the same order (a port of CountdownTask / SplitHash /
SeededRandom), the same loss (completion tokens only), AdamW + warm-up/cosine schedule and
clipping, for the same number of steps; then greedy accuracy on the same held-out problems.

  python bench/peers/torch_countdown.py --steps 200 [--threads 1] [--numbers 3-6] [...]
  python bench/peers/torch_countdown.py --check      # print problems to compare with Swift

Prints `pretrain engine=torch ... positions/s=...` and `heldout size=N greedy=...` lines.
Needs torch (CPU build) and transformers; `scripts/setup-peers.sh` makes a venv with both.
"""

import argparse
import math
import time

MASK = (1 << 64) - 1
VOCAB = "0123456789 +-*/=()>:$"  # CharTokenizer.taskCharacters; id 0 is padding
EOS = VOCAB.index("$") + 1


def splitmix_mix(z):
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


class SeededRandom:
    """xoshiro256** seeded through SplitMix64 (Tensor/SeededRandom.swift)."""

    def __init__(self, seed):
        x = seed & MASK
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            state.append(z ^ (z >> 31))
        self.s = state

    def next(self):
        s0, s1, s2, s3 = self.s
        r = ((s1 * 5) & MASK)
        result = ((((r << 7) | (r >> 57)) & MASK) * 9) & MASK
        t = (s1 << 17) & MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) | (s3 >> 19)) & MASK
        self.s = [s0, s1, s2, s3]
        return result

    def next_int(self, n):
        return self.next() % n


def fnv_hash(key):
    h = 0xCBF29CE484222325
    for b in key.encode():
        h ^= b
        h = (h * 0x100000001B3) & MASK
    return splitmix_mix(h)


def apply(op, a, b):
    return {"+": (a + b) % 10, "-": (a - b) % 10, "*": (a * b) % 10}[op]


def countdown_problem(split, index, size):
    """CountdownTask.problem(split:index:size:) — split is "train" or "held_out"."""
    attempt = 0
    while True:
        seed = splitmix_mix((fnv_hash(f"countdown|{split}|{size}|{index}") + attempt) & MASK)
        rng = SeededRandom(seed)
        numbers = [rng.next_int(10) for _ in range(size)]
        pool, steps = list(numbers), []
        while len(pool) > 1:
            i = rng.next_int(len(pool))
            j = rng.next_int(len(pool) - 1)
            if j >= i:
                j += 1
            op = "+-*"[rng.next_int(3)]
            a, b = pool[i], pool[j]
            if op != "-" and a < b:
                a, b = b, a
            r = apply(op, a, b)
            for k in sorted((i, j), reverse=True):
                pool.pop(k)
            pool.append(r)
            steps.append(f"{a}{op}{b}={r}(" + " ".join(map(str, sorted(pool))) + ")")
        key = "".join(map(str, sorted(numbers))) + f">{pool[0]}"
        in_split = "held_out" if fnv_hash(key) % 8 == 0 else "train"
        if in_split == split:
            prompt = " ".join(map(str, numbers)) + f">{pool[0]}:"
            return prompt, "".join(steps) + "$"
        attempt += 1


def verify(prompt, completion):
    """Reward only (the Swift verifier also gives the reason)."""
    head, target = prompt[:-1].split(">")
    pool, target = sorted(int(c) for c in head.split()), int(target)
    rest = completion
    while rest and rest[0] != "$":
        if len(rest) < 7 or rest[1] not in "+-*" or rest[3] != "=" or rest[5] != "(":
            return 0
        a, op, b, r = int(rest[0]), rest[1], int(rest[2]), int(rest[4])
        close = rest.find(")")
        if close < 0 or a not in pool:
            return 0
        pool.remove(a)
        if b not in pool or (op != "-" and a < b) or r != apply(op, a, b):
            return 0
        pool.remove(b)
        pool = sorted(pool + [r])
        if rest[6:close] != " ".join(map(str, pool)):
            return 0
        rest = rest[close + 1:]
    return int(rest == "$" and pool == [target])


def encode(text):
    return [VOCAB.index(c) + 1 for c in text]


def lr_at(step, peak, warmup, total, min_ratio):
    """LRSchedule.learningRate(at:)."""
    if step < warmup:
        return peak * (step + 1) / warmup
    span = total - warmup
    progress = 1 if span == 0 else min((step - warmup) / span, 1)
    return peak * (min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--numbers", default="3-6")
    p.add_argument("--hidden-size", type=int, default=128)
    p.add_argument("--layers", type=int, default=4)
    p.add_argument("--heads", type=int, default=4)
    p.add_argument("--kv-heads", type=int, default=4)
    p.add_argument("--ffn", type=int, default=352)
    p.add_argument("--context", type=int, default=80)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--eval-problems", type=int, default=200)
    p.add_argument("--check", action="store_true")
    args = p.parse_args()
    lo, _, hi = args.numbers.partition("-")
    sizes = list(range(int(lo), int(hi or lo) + 1))

    if args.check:
        for split in ("train", "held_out"):
            for index in range(3):
                print(split, index, *countdown_problem(split, index, 4))
        return

    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    config = LlamaConfig(
        vocab_size=len(VOCAB) + 1, hidden_size=args.hidden_size,
        intermediate_size=args.ffn, num_hidden_layers=args.layers,
        num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
        max_position_embeddings=args.context, rms_norm_eps=1e-5, rope_theta=10000.0,
        tie_word_embeddings=False, eos_token_id=EOS, bos_token_id=None, pad_token_id=0)
    model = LlamaForCausalLM(config).float().train()
    decay = [q for q in model.parameters() if q.dim() >= 2]
    no_decay = [q for q in model.parameters() if q.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": args.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)

    positions, train_seconds, train_cpu = 0, 0.0, 0.0
    for step in range(args.steps):
        size = sizes[step % len(sizes)]  # PretrainConfig.size(atStep:)
        rows = []
        for i in range(args.batch_size):
            prompt, ref = countdown_problem("train", step * args.batch_size + i, size)
            rows.append((encode(prompt), encode(ref)))
        # Same size → same length: no padding (as in the Swift batches).
        seqs = torch.tensor([a + b for a, b in rows])
        inputs, targets = seqs[:, :-1], seqs[:, 1:].clone()
        targets[:, : len(rows[0][0]) - 1] = -100  # loss on completion tokens only
        start, cpu_start = time.perf_counter(), time.process_time()
        for group in opt.param_groups:
            group["lr"] = lr_at(step, args.lr, min(args.warmup, args.steps), args.steps, 0.1)
        opt.zero_grad(set_to_none=False)
        logits = model(input_ids=inputs).logits
        loss = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=-100)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        train_seconds += time.perf_counter() - start
        train_cpu += time.process_time() - cpu_start
        positions += inputs.numel()
        if step % 50 == 0 or step == args.steps - 1:
            print(f"step {step} loss {loss.item():.4f}", flush=True)
    print(
        f"pretrain engine=torch threads={args.threads} steps={args.steps} "
        f"positions={positions} seconds={train_seconds:.1f} cpu_seconds={train_cpu:.1f} "
        f"positions/s={positions / train_seconds:.0f} "
        f"positions/cpu_s={positions / train_cpu:.0f} final_loss={loss.item():.4f}")

    if args.eval_problems == 0:
        return
    model.eval()
    with torch.no_grad():
        for size in sizes:
            correct = 0
            problems = [countdown_problem("held_out", i, size) for i in range(args.eval_problems)]
            # Greedy, batched: same-size prompts have the same length.
            ids = torch.tensor([encode(pr) for pr, _ in problems])
            out = model.generate(
                ids, attention_mask=torch.ones_like(ids), max_length=args.context,
                do_sample=False, eos_token_id=EOS, pad_token_id=0)
            for (prompt, _), row in zip(problems, out[:, ids.shape[1]:].tolist()):
                text = "".join(VOCAB[t - 1] for t in row if t > 0)
                correct += verify(prompt, text[: text.find("$") + 1] if "$" in text else text)
            print(f"heldout size={size} greedy={correct / len(problems):.3f}")


if __name__ == "__main__":
    main()
