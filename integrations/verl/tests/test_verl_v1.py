"""The hook on verl's V1 trainer (`trainer.use_v1=True`): the real PPOTrainerSync's `step` and
`on_step_end` on CPU, TransferQueue faked at its client functions only (v1_support.py says
exactly what is real and what is faked). Skipped where verl or TransferQueue is not installed."""

import gzip
import logging
import threading

import pytest

pytest.importorskip("verl")
pytest.importorskip("transfer_queue")

from conftest import read_trace  # noqa: E402
from v1_support import CPUTrainer, Tokenizer, ids, legacy_batch, script, store, verl_config  # noqa: E402,F401,F811

from treepo_verl.runner import _V1_FIELDS, close_hooks, install_legacy, task_runner_class  # noqa: E402
from treepo_verl.trace import Rollout, StepRecord, TraceFileWriter, header_line  # noqa: E402

RESPONSES = {"x=3.": 1.0, "x=4.": 0.0, "hi#": 0.0, "abcdef": 1.0, "a.": 1.0, "b.": 0.5}


def trainer(store, tmp_path, **hook):
    return CPUTrainer(verl_config(str(tmp_path), **hook), script)


def leaves(lines, step):
    """{response text: (reward, outcome, logprobs, entropies, advantage, prompt)} of one step."""
    start = next(i for i, x in enumerate(lines) if x.get("rollout") == step and x["kind"] == "rollout_started")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].get("kind") == "train_step")
    events = lines[start:end + 1]
    prompts = [p["text"] for p in events[0]["prompts"]]
    parent, seg = {}, {}
    for e in events:
        if e["kind"] == "node_spawned" and "parent" in e:
            parent[(e["prompt"], e["node"])] = (e["prompt"], e["parent"])
        if e["kind"] == "segment_decoded":
            seg[(e["prompt"], e["node"])] = e
    adv = {(a["prompt"], a["node"]): a["advantage"]
           for e in events if e["kind"] == "advantages_assigned" for a in e["nodes"]}
    out = {}
    for e in (e for e in events if e["kind"] == "node_ended"):
        path, node = [], (e["prompt"], e["node"])
        while node in seg:
            path.insert(0, seg[node])
            node = parent[node]
        text = "".join(s["text"] for s in path)
        out[text] = (e["reward"], e["outcome"], [x for s in path for x in s["logprobs"]],
                     [x for s in path for x in s["entropies"]], adv[(e["prompt"], e["node"])], prompts[e["prompt"]])
    return prompts, out


def test_v1_trainer_writes_every_kth_step(store, tmp_path):
    t = trainer(store, tmp_path, every=2)
    for step in range(1, 5):
        t.run_step(step)
    close_hooks()
    path = tmp_path / "v1.trace.jsonl.gz"
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    lines = read_trace(str(path))
    assert [x["rollout"] for x in lines if x.get("kind") == "rollout_started"] == [2, 4]
    assert t.checkpoint_manager.updates == [1, 2, 3, 4] and len(t.actor_rollout_wg.updates) == 4
    hook_gets = [keys for keys, fields in store.gets if fields == _V1_FIELDS]
    assert len(hook_gets) == 2 and not any(k.startswith("pad") for keys in hook_gets for k in keys)
    prompts, out = leaves(lines, 4)
    # uid order; left padding gone; the pad character inside a prompt kept; no padding sample
    assert prompts == ["Q1 #3? ", "Q22 ", "Q3 "]
    started = next(x for x in lines if x.get("rollout") == 4)
    assert started["prompts"][0]["tokenIds"] == ids("Q1 #3? ")
    assert {text: v[0] for text, v in out.items()} == RESPONSES  # rm_scores at the last token
    assert {text for text, v in out.items() if v[1] == "truncated"} == {"abcdef"}  # 6 = the limit
    groups = {text: v[5] for text, v in out.items()}
    assert groups["x=3."] == groups["x=4."] == "Q1 #3? " and groups["hi#"] == groups["abcdef"] == "Q22 "
    prompt_len = {"Q1 #3? ": 7, "Q22 ": 4, "Q3 ": 3}
    for text, (_, _, logp, ent, advantage, prompt) in out.items():
        assert logp == pytest.approx([-i / 100 for i in ids(text)])  # old log-prob of each token
        start = prompt_len[prompt] - 1  # the model's output one position before each token
        assert ent == pytest.approx([(start + j) / 1000 for j in range(len(text))])
        # GRPO on two samples with different scores: +-1/sqrt(2), the better one positive
        better = RESPONSES[text] == max(RESPONSES[o] for o, v in out.items() if v[5] == prompt)
        assert advantage == pytest.approx(0.7071 if better else -0.7071, abs=1e-3)


def test_v1_prompts_per_step_are_capped(store, tmp_path):
    t = trainer(store, tmp_path, max_prompts=2)
    t.run_step(1)
    close_hooks()
    prompts, out = leaves(read_trace(str(tmp_path / "v1.trace.jsonl.gz")), 1)
    assert prompts == ["Q1 #3? ", "Q22 "] and set(out) == {"x=3.", "x=4.", "hi#", "abcde"}
    # the widest response of this step stops short of the rollout's limit: not cut
    assert [v[1] for v in out.values()] == ["finished"] * 4
    (keys,) = [keys for keys, fields in store.gets if fields == _V1_FIELDS]
    assert sorted(keys) == ["s1_a_0_0", "s1_a_1_0", "s1b_0_0", "s1b_1_0"]  # only those were read


def test_v1_fetch_skips_padding_only_steps_and_missing_fields(store):
    from transfer_queue import KVBatchMeta

    from treepo_verl.runner import _V1Batch

    padding_only = KVBatchMeta(keys=["pad1_0_0"], tags=[{"is_padding": True}], partition_id="train")
    assert _V1Batch.fetch(padding_only, 0, 8) is None and store.gets == []
    # a step without rewards or entropy (bypass mode): those fields are simply not there
    fields = store_fields(uid="u", prompts=[7, 8], responses=[9])
    store.kv_batch_put(keys=["u_0_0"], partition_id="train", fields=fields)
    got = _V1Batch.fetch(KVBatchMeta(keys=["u_0_0"], tags=[{}], partition_id="train"), 0, 8)
    assert sorted(got.batch) == ["attention_mask", "prompts", "response_mask", "responses"]
    assert got.batch["attention_mask"].tolist() == [[1, 1, 1]]


def store_fields(**row):
    import torch
    from verl.utils.tensordict_utils import list_of_dict_to_tensordict

    return list_of_dict_to_tensordict([{k: torch.tensor(v) if isinstance(v, list) else v for k, v in row.items()}])


class BlockingTokenizer(Tokenizer):
    def __init__(self):
        self.entered, self.release = threading.Event(), threading.Event()

    def __deepcopy__(self, memo):  # the writer's copy shares the test's events
        return self

    def decode(self, ids, skip_special_tokens=False):
        self.entered.set()
        assert self.release.wait(30), "the test never released the writer"
        return super().decode(ids)


def test_v1_step_returns_before_a_slow_write_ends(store, tmp_path):
    t = trainer(store, tmp_path)
    t.tokenizer = BlockingTokenizer()
    t.run_step(1)  # returns although the writer is stuck in decode
    assert t.tokenizer.entered.wait(30)
    path = tmp_path / "v1.trace.jsonl.gz"
    assert len(read_trace(str(path))) == 1  # the header only: the step is not written yet
    t.tokenizer.release.set()
    close_hooks()
    assert [x["rollout"] for x in read_trace(str(path)) if x.get("kind") == "rollout_started"] == [1]


def test_writer_drops_a_step_rather_than_wait(tmp_path):
    tok = BlockingTokenizer()
    writer = TraceFileWriter(str(tmp_path / "t.gz"), header_line("m", "verl", {}), tok.decode, max_pending=1)
    step = StepRecord(1, [Rollout("g", [65], [66], 1.0)])
    results = []
    try:
        assert writer.submit(step) and tok.entered.wait(30)  # the writer holds step 1
        assert writer.submit(step)  # one waits in the queue
        caller = threading.Thread(target=lambda: results.append(writer.submit(step)), daemon=True)
        caller.start()
        caller.join(30)  # a submit that waited for room would still be here
        assert not caller.is_alive() and results == [False]
    finally:
        tok.release.set()
    writer.close()
    assert len([x for x in read_trace(str(tmp_path / "t.gz")) if x.get("kind") == "rollout_started"]) == 2


class FailingTokenizer(Tokenizer):
    def decode(self, ids, skip_special_tokens=False):
        raise UnicodeError("no such token")


@pytest.mark.parametrize("failure", ["trace dir is a file", "writer fails"])
def test_v1_hook_failure_leaves_training_alone(store, tmp_path, caplog, failure):
    if failure == "trace dir is a file":
        (tmp_path / "file").write_text("")
        t = trainer(store, tmp_path / "file")
    else:
        t = trainer(store, tmp_path)
        t.tokenizer = FailingTokenizer()
    with caplog.at_level(logging.WARNING, logger="treepo_verl"):
        for step in range(1, 4):
            batch = t.run_step(step)
            assert len(batch) == 8  # 6 samples + verl's 2 padding samples
            if step == 1 and failure == "writer fails":  # its thread stops on the error; step 2 hears
                t._treepo_hook.writer._thread.join(30)
        hook_lines = [r.getMessage() for r in caplog.records if r.name == "treepo_verl"]
    assert t.checkpoint_manager.updates == [1, 2, 3] and len(t.actor_rollout_wg.updates) == 3
    assert len(hook_lines) == 1 and "\n" not in hook_lines[0] and hook_lines[0].startswith("treepo hook: step ")
    assert t._treepo_hook is None  # off for the rest of the run


def test_legacy_and_v1_write_the_same_trace(store, tmp_path):
    from verl.trainer.ppo.ray_trainer import RayPPOTrainer

    t = trainer(store, tmp_path / "v1")
    batch = t.run_step(1, clear=False)
    close_hooks()

    class LegacyTrainer(RayPPOTrainer):  # the real class; its workers and update left out
        def __init__(self, config):
            self.config, self.tokenizer, self.global_steps, self.updated = config, Tokenizer(), 1, []

        def _update_actor(self, batch):
            self.updated.append(len(batch))
            return batch

    install_legacy(LegacyTrainer)
    legacy = LegacyTrainer(verl_config(str(tmp_path / "legacy")))
    keys = sorted((k for k, tag in zip(batch.keys, batch.tags) if not tag.get("is_padding")),
                  key=lambda k: k.rsplit("_", 2))
    legacy._update_actor(legacy_batch(keys, width=6))
    close_hooks()
    assert legacy.updated == [6]
    v1 = read_trace(str(tmp_path / "v1" / "v1.trace.jsonl.gz"))
    assert len(v1) > 20 and v1 == read_trace(str(tmp_path / "legacy" / "v1.trace.jsonl.gz"))
    with gzip.open(tmp_path / "v1" / "v1.trace.jsonl.gz", "rt") as f:
        assert "entropies" in f.read()


@pytest.mark.parametrize("use_v1", [True, False])
def test_main_runs_verls_checks_and_runner_with_the_hook(monkeypatch, tmp_path, use_v1):
    """`python -m treepo_verl.main`: verl's config checks, then `run_ppo` with a runner derived
    from verl's (Ray refuses subclasses of its actor classes: the runner takes the plain one)."""
    from verl.trainer import main_ppo, main_ppo_v0

    import treepo_verl.main as entry

    calls = []
    monkeypatch.setattr(main_ppo, "run_ppo", lambda config, task_runner_class: calls.append(task_runner_class))
    config = verl_config(str(tmp_path), extra=[
        f"trainer.use_v1={use_v1}", "trainer.n_gpus_per_node=2",
        "actor_rollout_ref.actor.ppo_micro_batch_size_per_gpu=1",
        "actor_rollout_ref.rollout.log_prob_micro_batch_size_per_gpu=1"])
    entry.main.__wrapped__(config)
    base = (main_ppo.TaskRunnerV1 if use_v1 else main_ppo_v0.TaskRunner).__ray_actor_class__
    (actor,) = calls
    assert issubclass(actor.__ray_actor_class__, base) and actor.__ray_actor_class__.run is not base.run
    with pytest.raises(AssertionError, match="divisible"):  # verl's own check runs first
        entry.main.__wrapped__(verl_config(str(tmp_path)))
