#!/usr/bin/env python3
"""Writes the `treepo import` test fixtures into Tests/TreePOEngineTests/Fixtures/import/.

Small, hand-built rollout dumps in the shapes verl writes them (`json.dumps(entry,
ensure_ascii=False)` per line, one `<step>.jsonl` per step) plus the broken cases an importer
meets in real folders. Tokens are characters here, so `token_count_per_step` and the text line up
and the Swift tests can assert every node's text exactly.

  python3 scripts/make_import_fixtures.py          (standard library only)

The hook's own output (hook-run.trace.jsonl.gz) is written by running the hook's pure-Python
trace writer from integrations/verl on a fake run.
"""

import gzip
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "import")


def line(**entry):
    return json.dumps(entry, ensure_ascii=False)


def write(path, lines, end="\n"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + end)


def tree_sample(uid, path, segments, score, counts=None):
    """A TreePO leaf: its path, its response (segments joined) and one count per segment."""
    text = "".join(segments)
    return dict(
        input="Q1: 2+?=7",
        output=text,
        gts="5",
        score=score,
        step=1,
        uid=uid,
        tree_idx=path,
        token_count_per_step=counts if counts is not None else [len(s) for s in segments],
    )


def verl_tree_dump():
    """The TreePO fork with the treepo patch: tree_idx + token_count_per_step per line."""
    d = os.path.join(OUT, "verl-tree")
    a, b, e = "Let x=2. ", "Then y=4. ", "Then y=5. "
    samples = [
        tree_sample("u1", "0/1-0/2-0/3-0", [a, b, "So 6."], 0.0),
        tree_sample("u1", "0/1-0/2-0/3-1", [a, b, "So 5!"], 1.0),
        tree_sample("u1", "0/1-0/2-1/3-2", [a, e, "So 7."], 0.0),
        tree_sample("u1", "0/1-1/2-2", ["Try 3. ", "Done 3."], 0.0),
        # Fallback at a segment boundary: the first path cut back to its first segment, decoded
        # on in round 4; its counts keep the old path's three in front (ragged).
        tree_sample("u1", "0/1-0/4-0", [a, "Thus 5!!"], 1.0, counts=[9, 10, 5, 8]),
        # Fallback inside a segment: cut 4 tokens into "Then y=5. ", on in round 5.
        tree_sample("u1", "0/1-0/2-1/5-0", [a, "Then", "!w=1."], 0.0, counts=[9, 10, 5, 5]),
    ]
    # A flat group in the same step (newer verl's `{uid}_{session}_{index}`): a prefix tree.
    flat = [
        dict(input="Q2: 3*4?", output=o, gts="12", score=s, step=1, uid=f"abc_3_{i}", acc=s > 0)
        for i, (o, s) in enumerate(
            [("The answer is 12.", 1.0), ("The answer is 15.", 0.0), ("I think 12.", 1.0)]
        )
    ]
    write(os.path.join(d, "1.jsonl"), [line(**s) for s in samples + flat])
    # Step 2: token ids present (prefix tree on tokens), and four bad lines.
    good = [
        dict(input="Q3", output="ab", response_ids=[5, 6], score=1.0, step=2, uid="g3",
             advantage=0.5),
        dict(input="Q3", output="ac", response_ids=[5, 7], score=0.0, step=2, uid="g3",
             advantage=[-0.5, -0.5]),
    ]
    lines = [line(**good[0]), '{"input": "Q3", "output": ', line(**good[1])]
    lines.append(line(input="Q3", score=1.0, step=2, uid="g3"))  # no "output"
    raw = ("\n".join(lines) + "\n").encode() + b'{"input": "Q3", "output": "\xff\xfe", "step": 2}\n'
    raw += b'{"input": "Q3", "output": "cut sho'  # a writer killed mid-line
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "2.jsonl"), "wb") as f:
        f.write(raw)
    # Step 3 is missing; step 4 is an empty file; step 5 is gzip'd.
    open(os.path.join(d, "4.jsonl"), "w").close()
    text = line(input="Q5", output="fünf", score=1.0, step=5) + "\n"
    text += line(input="Q5", output="fünfzig", score=0.0, step=5) + "\n"
    with open(os.path.join(d, "5.jsonl.gz"), "wb") as f:
        f.write(gzip.compress(text.encode("utf-8"), mtime=0))
    # Not a step file: ignored.
    write(os.path.join(d, "notes.txt"), ["not a dump"])


def flat_groups():
    rows = [
        dict(prompt="P1", completion="yes, 4", reward=1.0, step=0, group="a", advantage=0.7),
        dict(prompt="P1", completion="yes, 5", reward=0.0, step=0, group="a", advantage=-0.7),
        dict(prompt="P2", completion="no", reward=0.0),
        dict(prompt="P1", completion="yes, 4", reward=1.0, step=1, group="a"),
        dict(prompt="P1", completion="yes, 4", reward=1.0, step=1, group="a"),
    ]
    lines = [line(**r) for r in rows]
    lines.insert(2, line(prompt="P2", reward=1.0))  # no completion
    write(os.path.join(OUT, "flat.jsonl"), lines)


def hook_run():
    sys.path.insert(0, os.path.join(ROOT, "integrations", "verl", "src"))
    from treepo_verl.fake_run import write_fake_run

    write_fake_run(os.path.join(OUT, "hook-run.trace.jsonl.gz"))


if __name__ == "__main__":
    verl_tree_dump()
    flat_groups()
    hook_run()
    print("fixtures written to", OUT)
