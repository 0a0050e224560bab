#!/usr/bin/env python3
"""Golden fixtures for the two segment-level advantage estimators (outside CI).

Regenerate (from the repository root), with the released TreePO code as the oracle:
    git clone https://github.com/multimodal-art-projection/TreePO /tmp/TreePO   # f055523 used
    .venv-peers/bin/python scripts/golden/make_advantage_fixtures.py \
        /tmp/TreePO/verl/trainer/ppo/core_algos.py

Writes Tests/TreePOEngineTests/Fixtures/advantage/segment.json: random trees (several prompts,
uneven depths, a prompt with one trajectory, 0/1 and fractional rewards), each trajectory as
{prompt, nodes, segment_lengths, reward}, and per estimator the whitened token advantages of
every trajectory:
  tree-segment        the released estimator (`tree_segment_reinforce_plus_plus_baseline`,
                      segtree_adv_eta = -1): the functions of the given core_algos.py are run
                      as they are (loaded from that file, not copied here), then verl's
                      masked_whiten.
  segment-leaf-mean   treepo's own: V(node) = mean reward of the trajectories through it,
                      V(root) = the prompt's mean, segment k gets V(n_k) - V(n_(k-1)); computed
                      here from that definition with numpy, then the same whitening.
Every segment but a path's last has STEP tokens, as in the released rollout, so the released
fixed-size broadcast (`convert_advantages_to_scores`) and treepo's per-segment lengths agree.
"""
import ast
import json
import os
import random
import sys
from collections import defaultdict
from typing import Dict, List

import numpy as np
import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "advantage", "segment.json")
STEP = 3
RELEASED = [
    "tree_group_wise_reward", "calculate_rewards_iterative", "normalize_sibling_rewards",
    "calculate_segment_advantage", "convert_advantages_to_scores",
]


def load_released(path):
    """The released functions, compiled from their own file (imports provided here)."""
    tree = ast.parse(open(path).read())
    defs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in RELEASED]
    assert sorted(d.name for d in defs) == sorted(RELEASED), [d.name for d in defs]
    scope = {"torch": torch, "np": np, "defaultdict": defaultdict, "Dict": Dict, "List": List}
    exec(compile(ast.Module(body=defs, type_ignores=[]), path, "exec"), scope)
    return scope


def masked_whiten(values, mask):
    """verl.utils.torch_functional.masked_whiten: unbiased variance, shift_mean=True."""
    mean = (values * mask).sum() / mask.sum()
    centered = values - mean
    var = (centered ** 2 * mask).sum() / mask.sum()
    count = mask.sum()
    var = var * count / (count - 1)
    return (values - mean) * torch.rsqrt(var + 1e-8)


def random_batch(rng, prompts):
    """Trajectories of random trees: inner segments STEP tokens, leaf segments 1..STEP."""
    trajectories = []
    for p in range(prompts):
        next_id = [0]
        single = prompts > 1 and p == prompts - 1

        def grow(prefix, depth):
            children = 1 if single else rng.choice([1, 2, 2, 3])
            for _ in range(children):
                next_id[0] += 1
                node = next_id[0]
                stop = rng.random() < (0.2 if depth == 0 else 0.35)
                if depth >= 4 or stop or (single and depth >= 2):
                    reward = rng.choice([0.0, 1.0, 1.0, 0.0, 0.5])
                    lengths = [STEP] * len(prefix) + [rng.randint(1, STEP)]
                    trajectories.append(
                        {"prompt": p, "nodes": prefix + [node], "segment_lengths": lengths,
                         "reward": reward})
                else:
                    grow(prefix + [node], depth + 1)

        grow([], 0)
    return trajectories


def key(t):
    return "#".join([f"p{t['prompt']}"] + [str(n) for n in t["nodes"]])


def released_tokens(batch, released):
    index = [key(t) for t in batch]
    assert len(set(index)) == len(index)
    rewards = {k: t["reward"] for k, t in zip(index, batch)}
    reshaped = released["tree_group_wise_reward"](rewards)
    segments = released["calculate_segment_advantage"](reshaped, adv_eta=-1.0)
    length = max(sum(t["segment_lengths"]) for t in batch)
    scores = released["convert_advantages_to_scores"](segments, index, STEP, length)
    mask = torch.zeros(len(batch), length)
    for i, t in enumerate(batch):
        mask[i, : sum(t["segment_lengths"])] = 1
    scores = scores * mask
    whitened = masked_whiten(scores, mask) * mask
    raw = [segments[k] for k in index]
    return raw, [whitened[i, : int(mask[i].sum())].tolist() for i in range(len(batch))]


def leaf_mean_tokens(batch):
    through = defaultdict(list)
    for t in batch:
        for node in [None] + t["nodes"]:
            through[(t["prompt"], node)].append(t["reward"])
    value = {k: float(np.mean(v)) for k, v in through.items()}
    raw, flat = [], []
    for t in batch:
        chain = [value[(t["prompt"], n)] for n in [None] + t["nodes"]]
        segs = [b - a for a, b in zip(chain, chain[1:])]
        raw.append(segs)
        flat.append(np.repeat(segs, t["segment_lengths"]))
    tokens = np.concatenate(flat)
    mean = tokens.mean()
    var = ((tokens - mean) ** 2).sum() / (len(tokens) - 1)
    scale = 1 / np.sqrt(var + 1e-8)
    return raw, [((row - mean) * scale).tolist() for row in flat]


def main():
    released = load_released(sys.argv[1])
    rng = random.Random(20261201)
    cases = []
    for prompts in [1, 2, 3]:
        batch = random_batch(rng, prompts)
        rel_raw, rel = released_tokens(batch, released)
        ours_raw, ours = leaf_mean_tokens(batch)
        gap = max(abs(a - b) for x, y in zip(rel, ours) for a, b in zip(x, y))
        print(f"{len(batch)} trajectories, {prompts} prompts: max |released - leaf-mean| {gap:.3f}")
        cases.append({
            "trajectories": batch,
            "tree-segment": {"raw": rel_raw, "tokens": rel},
            "segment-leaf-mean": {"raw": ours_raw, "tokens": ours},
        })
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write('{"step": %d, "cases": [\n' % STEP)
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
        f.write("\n]}\n")


if __name__ == "__main__":
    main()
