"""A small fake run through the trace writer (no verl needed): what the tests and treepo's import
fixtures read. Tokens are characters (id = code point), so every segment's text is known."""

from .trace import Rollout, StepRecord, TraceFileWriter, header_line


class CharTokenizer:
    eos_token_id = 0

    def decode(self, ids, skip_special_tokens=False):
        return "".join(chr(i) for i in ids if i != 0 or not skip_special_tokens)


def ids(text):
    return [ord(c) for c in text]


def fake_steps():
    q = ids("2+?=7 ")
    # Step 2: a TreePO tree. "x=5" and "x=4" share "x="; a fallback cut "x=4;" back to "x=" and
    # decoded on (ragged counts: the old path's two in front of the new one).
    tree = [
        Rollout("p0", q, ids("x=5."), 1.0, "0/1-0/2-0", [2, 2], [0.5] * 4, [-0.1] * 4, [0.2] * 4),
        Rollout("p0", q, ids("x=4;"), 0.0, "0/1-0/2-1", [2, 2], [-0.5] * 4, [-0.2] * 4, [0.3] * 4),
        Rollout("p0", q, ids("x=9!"), 0.0, "0/1-0/3-0", [2, 2, 2], [-0.5] * 4, [-0.3] * 4, [0.4] * 4),
        Rollout("p0", q, ids("y"), 0.0, "0/1-1", [1], [-0.5], [-1.0], [1.0], truncated=True),
    ]
    # Step 4: a GRPO group without paths: a prefix tree over the ids.
    flat = [
        Rollout("p1", ids("3*4 "), ids("12"), 1.0, advantages=[1.0, 1.0]),
        Rollout("p1", ids("3*4 "), ids("15"), 0.0, advantages=[-1.0, -1.0]),
    ]
    return [StepRecord(2, tree, {"critic/score/mean": 0.25}), StepRecord(4, flat, {"critic/score/mean": 0.5})]


def write_fake_run(path):
    header = header_line("fake-char-model", "verl", {"trainer.treepo_every": 2})
    writer = TraceFileWriter(path, header, CharTokenizer().decode)
    for record in fake_steps():
        writer.submit(record)
    writer.close()
    return path
