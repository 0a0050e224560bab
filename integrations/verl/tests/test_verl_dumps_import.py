"""verl's own rollout dumps (`trainer.rollout_data_dir`), written by verl's real dump code and read
back by `treepo import verl`: the V1 trainer's `_log_rollout_data` (TransferQueue keys as `uid`),
the legacy trainer's (grouped by `input`, reward extras as columns), and the legacy writer with the
TreePO-fork patch's columns (`tree_idx`, `token_count_per_step`). Needs the release `treepo`
binary: $TREEPO_BIN, else the package's `.build/release/treepo` (`make test-verl` builds it and
passes its path); skipped without verl or without the binary."""

import json
import os
import pathlib
import subprocess

import pytest

pytest.importorskip("verl")
pytest.importorskip("transfer_queue")

from conftest import fork_patch_columns  # noqa: E402
from v1_support import CPUTrainer, Tokenizer, legacy_batch, script, store, verl_config  # noqa: E402,F401,F811

from treepo_verl.runner import close_hooks  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def treepo():
    named = os.environ.get("TREEPO_BIN")
    path = pathlib.Path(named) if named else ROOT / ".build" / "release" / "treepo"
    if not path.is_file():
        if named:
            pytest.fail(f"TREEPO_BIN={named} is not a file: build it with `swift build -c release --product treepo`")
        pytest.skip(f"{path} is not built (`swift build -c release --product treepo`)")
    return str(path)


class DumpTokenizer(Tokenizer):
    """As a real tokenizer decodes for the dump: `skip_special_tokens` drops the pad and end ids
    (so the prompts' padding is gone, and a pad character inside a prompt with it)."""

    def decode(self, ids, skip_special_tokens=False):
        special = {self.pad_token_id, self.eos_token_id} if skip_special_tokens else set()
        return "".join(chr(int(i)) for i in ids if int(i) not in special)

    def batch_decode(self, rows, skip_special_tokens=False):
        return [self.decode(row, skip_special_tokens) for row in rows]


class ZeroPadTokenizer(DumpTokenizer):
    """test_verl_hook's batches pad with id 0."""

    pad_token_id = eos_token_id = 0


def shown(text):
    return text.replace(chr(Tokenizer.pad_token_id), "").replace(chr(Tokenizer.eos_token_id), "")


def import_dump(treepo, dump, out):
    """Runs `treepo import verl`, then `treepo inspect --json` on its trace; returns the import's
    summary line, the inspect report and the trace's events."""
    done = subprocess.run([treepo, "import", "verl", str(dump), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    report = subprocess.run([treepo, "inspect", str(out), "--json"], capture_output=True, text=True)
    assert report.returncode == 0, report.stdout + report.stderr
    with open(out, encoding="utf-8") as f:
        events = [json.loads(line) for line in f]
    return done.stdout + done.stderr, json.loads(report.stdout)["total"], events


def paths(events):
    """{rollout step: {(prompt text, response text): reward}} from the trace's events, each leaf's
    response the texts of the segments from the root down."""
    out, step, prompts, parent, text = {}, None, [], {}, {}
    for e in events:
        kind = e.get("kind")
        if kind == "rollout_started":
            step, prompts, parent, text = e["rollout"], [p["text"] for p in e["prompts"]], {}, {}
            out[step] = {}
        elif kind == "node_spawned":
            parent[(e["prompt"], e["node"])] = e.get("parent")
        elif kind == "segment_decoded":
            key = (e["prompt"], e["node"])
            text[key] = text.get(key, "") + e["text"]
        elif kind == "node_ended":
            node, response = e["node"], ""
            while node is not None:
                response = text.get((e["prompt"], node), "") + response
                node = parent[(e["prompt"], node)]
            out[step][(prompts[e["prompt"]], response)] = e["reward"]
    return out


def test_v1_rollout_data_dir_imports_as_groups_by_uid(store, tmp_path, treepo):
    trainer = CPUTrainer(verl_config(str(tmp_path / "hook")), script)
    trainer.tokenizer = DumpTokenizer()
    trainer._init_dump_executor()
    dump = tmp_path / "rollout_data_dir"
    for step in (1, 2):
        batch = trainer.run_step(step, clear=False)
        trainer._log_rollout_data(batch, {}, str(dump))  # what `fit` calls when rollout_data_dir is set
        trainer._shutdown_dump_executor()
        trainer._init_dump_executor()
    close_hooks()
    lines = [json.loads(x) for x in (dump / "2.jsonl").read_text().splitlines()]
    assert [x["uid"] for x in lines if x["step"] == 2][2] == "s2_a_0_0"  # {uid}_{session}_{index}
    # verl dumps the padding samples that fill its data-parallel batches (6 samples -> 8) too
    padding = [x for x in lines if x["uid"].startswith("pad")]
    assert len(padding) == 2 and {(x["input"], x["output"], x["score"]) for x in padding} == {("", "", 0.0)}

    summary, report, events = import_dump(treepo, dump, tmp_path / "v1.jsonl")
    assert "skipped 0 bad line(s). Left out 4 of verl's padding sample(s)" in summary, summary
    assert report["valid"]
    assert (report["rollouts"], report["prompts"], report["paths"]["finished"]) == (2, 6, 12)
    for step in (1, 2):
        want = {(shown(prompt), shown(response)): score
                for _, prompt, samples in script(step) for response, score in samples}
        assert paths(events)[step] == want
    # the uid with an underscore ("s1_a") is one group of two, not two groups
    started = [e for e in events if e.get("kind") == "rollout_started"]
    assert [len(e["prompts"]) for e in started] == [3, 3]


def test_legacy_rollout_data_dir_groups_by_input(store, tmp_path, treepo):
    from verl.trainer.ppo.ray_trainer import RayPPOTrainer

    v1 = CPUTrainer(verl_config(str(tmp_path / "hook")), script)
    batch = v1.run_step(1, clear=False)  # the samples, as a legacy DataProto below
    close_hooks()
    keys = sorted((k for k, tag in zip(batch.keys, batch.tags) if not tag.get("is_padding")),
                  key=lambda k: k.rsplit("_", 2))
    legacy = object.__new__(RayPPOTrainer)  # the real class, nothing of it started
    legacy.tokenizer, legacy.global_steps = DumpTokenizer(), 7
    legacy._init_dump_executor()
    data = legacy_batch(keys, width=6)
    data.non_tensor_batch.pop("uid")  # legacy dumps carry no uid unless a reward extra names it
    acc = [float(s) == 1.0 for _, _, samples in script(1) for _, s in samples]
    dump = tmp_path / "rollout_data_dir"
    legacy._log_rollout_data(data, {"acc": acc, "not_per_sample": [1]}, {}, str(dump))
    legacy._shutdown_dump_executor()
    line = json.loads((dump / "7.jsonl").read_text().splitlines()[0])
    assert sorted(line) == ["acc", "gts", "input", "output", "score", "step"]

    summary, report, events = import_dump(treepo, dump, tmp_path / "legacy.jsonl")
    assert "0 group(s) rebuilt from tree_idx, 3 as prefix trees" in summary
    assert (report["rollouts"], report["prompts"], report["paths"]["finished"]) == (1, 3, 6)
    want = {(shown(prompt), shown(response)): score for _, prompt, samples in script(1) for response, score in samples}
    assert paths(events)[7] == want


def test_fork_patch_columns_through_verls_writer_rebuild_the_tree(tmp_path, treepo):
    """The TreePO fork's dump, made as its patch makes it: the patch's `treepo_columns` on a
    DataProto with `tree_idx` and `token_count_per_step`, handed to verl's real dump writer."""
    from test_verl_hook import make_batch
    from verl.trainer.ppo.ray_trainer import RayPPOTrainer

    batch = make_batch()
    trainer = object.__new__(RayPPOTrainer)
    trainer.tokenizer, trainer.global_steps = ZeroPadTokenizer(), 3
    trainer._init_dump_executor()
    dump = tmp_path / "fork_rollouts"
    trainer._log_rollout_data(batch, fork_patch_columns()(batch, {}), {}, str(dump))
    trainer._shutdown_dump_executor()
    line = json.loads((dump / "3.jsonl").read_text().splitlines()[2])
    assert line["tree_idx"] == "0/1-0/3-0" and line["token_count_per_step"] == [2, 2, 3]

    summary, report, events = import_dump(treepo, dump, tmp_path / "fork.jsonl")
    assert "2 group(s) rebuilt from tree_idx, 0 as prefix trees" in summary, summary
    want = {("Q1 ", "aabb"): 1.0, ("Q1 ", "aacc"): 0.0, ("Q1 ", "aaxyz"): 1.0, ("Q22 ", "hi"): 0.0, ("Q22 ", "ho"): 1.0}
    assert paths(events)[3] == want
    # node by node: (prompt, node, parent, reason, text); 0/1-0/3-0 is a fallback-rewritten path
    # with ragged counts [2, 2, 3], and Q22's "1/1-0", "1/1-1" are two first segments, not the
    # prefix tree "h" -> "i", "o" that the text alone would give
    text = {(e["prompt"], e["node"]): e["text"] for e in events if e.get("kind") == "segment_decoded"}
    nodes = [(e["prompt"], e["node"], e.get("parent"), e["reason"], text.get((e["prompt"], e["node"])))
             for e in events if e.get("kind") == "node_spawned"]
    assert nodes == [(0, 0, None, "root", None), (0, 1, 0, "initial", "aa"), (0, 2, 1, "divergence", "bb"),
                     (0, 3, 1, "divergence", "cc"), (0, 4, 1, "fallback", "xyz"),
                     (1, 0, None, "root", None), (1, 1, 0, "initial", "hi"), (1, 2, 0, "initial", "ho")]
    assert report["nodes"] == 8 and report["paths"]["finished"] == 5
