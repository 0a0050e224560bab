"""The trace writer: header member, one gzip member per step, written on its own thread."""

import threading

from conftest import read_trace
from treepo_verl.fake_run import CharTokenizer, fake_steps, write_fake_run
from treepo_verl.trace import Rollout, StepRecord, TraceFileWriter, header_line


def test_fake_run_is_a_trace(tmp_path):
    path = write_fake_run(str(tmp_path / "run.trace.jsonl.gz"))
    lines = read_trace(path)
    assert lines[0]["format"] == "treepo-trace" and lines[0]["version"] == 1
    kinds = [line.get("kind") for line in lines[1:]]
    assert kinds.count("rollout_started") == 2
    assert [line["rollout"] for line in lines if line.get("kind") == "rollout_started"] == [2, 4]
    segs = {}
    for line in lines:  # step 2's segments (the first of each node id)
        if line.get("kind") == "segment_decoded":
            segs.setdefault(line["node"], line)
    assert segs[1]["text"] == "x=" and segs[1]["logprobs"] == [-0.1, -0.1]
    ended = [line for line in lines if line.get("kind") == "node_ended"]
    assert {(e["outcome"], e["reason"]) for e in ended} == {("finished", "eos"), ("truncated", "max_tokens")}
    assert len(ended) == sum(len(r.rollouts) for r in fake_steps())


def test_writes_happen_off_the_calling_thread(tmp_path):
    path = str(tmp_path / "t.gz")
    writer = TraceFileWriter(path, header_line("m", "verl", {}), CharTokenizer().decode)
    writer.submit(StepRecord(1, [Rollout("g", [65], [66, 67], 1.0)]))
    writer.close()
    assert writer.writer_thread_ids and threading.get_ident() not in writer.writer_thread_ids
    assert [line.get("kind") for line in read_trace(path)][1] == "rollout_started"


def test_non_finite_numbers_are_strings(tmp_path):
    path = str(tmp_path / "nan.gz")
    writer = TraceFileWriter(path, header_line("m", "verl", {}), CharTokenizer().decode)
    writer.submit(StepRecord(1, [Rollout("g", [65], [66], float("nan"), logprobs=[float("-inf")])]))
    writer.close()
    lines = read_trace(path)
    assert [line["reward"] for line in lines if line.get("kind") == "node_ended"] == ["nan"]
    assert [line["logprobs"] for line in lines if line.get("kind") == "segment_decoded"] == [["-inf"]]
