#!/usr/bin/env python3
"""A treepo trace of a few huge steps, for timing `treepo replay` on verl-sized batches.

  python3 scripts/make_big_step_run.py OUT [--steps 3] [--prompts 1024] [--tokens 4000]

Each step is one TreePO rollout of `--prompts` prompts x 16 paths of `--tokens` tokens: a tree
per prompt that splits in two at depths 1-4 (16 paths) and goes on unbranched to depth 8, written
round by round as the engine writes it (each round's segments of every prompt, then the next
round), so a prompt's lines interleave with the others'. Segments carry text only (as a verl dump
imported without token ids); about 4.5 bytes per token, ~215 MB per step at the defaults. Then
the step's advantages and a train step. Never committed: write it to /tmp and delete it after.
"""

import argparse
import json
import random

WORDS = ("Let x = 3 so 2x + 1 = 7. Therefore the sum of the roots is 4; we check: (4 - 1)^2 = 9 "
         ">= 0. Hence \\boxed{42} is the answer.").split(" ")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--prompts", type=int, default=1024)
    ap.add_argument("--tokens", type=int, default=4000, help="tokens per path (8 segments)")
    args = ap.parse_args()
    rng = random.Random(0)
    seg_tokens = max(1, args.tokens // 8)
    # A pool of segment texts, JSON-escaped once (a token is a word here, ~4.5 bytes).
    pool = [json.dumps(" ".join(rng.choice(WORDS) for _ in range(seg_tokens)).replace(" so ", " so\n"),
                       ensure_ascii=False) for _ in range(256)]
    dump = lambda o: json.dumps(o, separators=(",", ":"), ensure_ascii=False)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(dump({"format": "treepo-trace", "version": 1, "model": "synthetic", "task": "math",
                      "config": {"rollout.n": "16"}, "seed": 0}) + "\n")
        for step in range(args.steps):
            prompts = [{"index": p, "text": f"Problem {step}-{p}: " + " ".join(
                rng.choice(WORDS) for _ in range(60)), "tokenIds": []} for p in range(args.prompts)]
            f.write(dump({"kind": "rollout_started", "rollout": step + 1, "sampler": "tree",
                          "prompts": prompts, "config": {"rollout.n": "16"}}) + "\n")
            # Node ids per prompt: root 0; depth d has nodes in `level[d]`.
            next_id = [1] * args.prompts
            active = []  # per prompt: list of (node, depth)
            for p in range(args.prompts):
                f.write(f'{{"kind":"node_spawned","prompt":{p},"node":0,"depth":0,"reason":"root"}}\n')
                kids = []
                for _ in range(2):
                    n = next_id[p]
                    next_id[p] += 1
                    f.write(f'{{"kind":"node_spawned","prompt":{p},"node":{n},"parent":0,"depth":1,'
                            f'"reason":"initial"}}\n')
                    kids.append((n, 1))
                active.append(kids)
            leaves = []
            decoded = 0
            for rnd in range(1, 9):
                for p in range(args.prompts):
                    following = []
                    for node, depth in active[p]:
                        f.write(f'{{"kind":"segment_decoded","prompt":{p},"node":{node},"tokenIds":[],'
                                f'"text":{rng.choice(pool)},"logprobs":[],"entropies":[]}}\n')
                        decoded += seg_tokens
                        if depth == 8:
                            reward = float(rng.random() < 0.4)
                            f.write(f'{{"kind":"node_ended","prompt":{p},"node":{node},'
                                    f'"outcome":"finished","reason":"eos","reward":{reward}}}\n')
                            leaves.append((p, node, reward))
                            continue
                        for _ in range(2 if depth < 4 else 1):
                            n = next_id[p]
                            next_id[p] += 1
                            f.write(f'{{"kind":"node_spawned","prompt":{p},"node":{n},"parent":{node},'
                                    f'"depth":{depth + 1},"reason":"divergence"}}\n')
                            following.append((n, depth + 1))
                    active[p] = following
                counters = {"decodedTokens": decoded, "flatEquivalentTokens": 16 * args.prompts * seg_tokens * rnd,
                            "sharedPrefixTokens": 0, "kvPagesInUse": 0, "kvPagesPeak": 0, "active": 0,
                            "finished": len(leaves), "stopped": 0, "truncated": 0, "pruned": 0,
                            "fallbacks": 0, "elapsedSeconds": 1.0 * rnd}
                f.write(dump({"kind": "round_finished", "round": rnd, "counters": counters,
                              "done": rnd == 8}) + "\n")
            f.write(dump({"kind": "advantages_assigned", "estimator": "grpo", "nodes": [
                {"prompt": p, "node": n, "advantage": r - 0.4} for p, n, r in leaves]}) + "\n")
            f.write(dump({"kind": "train_step", "step": step + 1,
                          "metrics": {"critic/score/mean": 0.4}, "changes": []}) + "\n")


if __name__ == "__main__":
    main()
