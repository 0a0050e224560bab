"""The hook against the real `verl` package's DataProto (skipped where verl is not installed:
scripts/setup-verl.sh makes the venv)."""

import pytest

from conftest import CharTokenizer, fork_patch_columns, read_trace

verl = pytest.importorskip("verl")
torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")

from verl import DataProto  # noqa: E402

from treepo_verl.hook import TreepoTraceHook  # noqa: E402
from treepo_verl.runner import install_legacy  # noqa: E402


def left_pad(seqs, width):
    return torch.tensor([[0] * (width - len(s)) + s for s in seqs])


def right_pad(seqs, width):
    return torch.tensor([s + [0] * (width - len(s)) for s in seqs])


def ids(text):
    return [ord(c) for c in text]


def make_batch():
    """Two prompts: a TreePO tree (paths + counts, a ragged fallback) and a flat GRPO group."""
    prompts = [ids("Q1 "), ids("Q1 "), ids("Q1 "), ids("Q22 "), ids("Q22 ")]
    responses = [ids("aabb"), ids("aacc"), ids("aaxyz"), ids("hi"), ids("ho")]
    P, R = 5, 6
    prompt_t, response_t = left_pad(prompts, P), right_pad(responses, R)
    mask = torch.cat([(prompt_t != 0).long(), (response_t != 0).long()], dim=1)
    scores = torch.zeros(5, R)
    for i, s in enumerate([1.0, 0.0, 1.0, 0.0, 1.0]):
        scores[i, len(responses[i]) - 1] = s
    adv = torch.tensor([[0.5] * R, [-0.5] * R, [0.5] * R, [-1.0] * R, [1.0] * R])
    logp = -torch.arange(5 * R, dtype=torch.float32).reshape(5, R) / 100
    tensors = dict(prompts=prompt_t, responses=response_t, input_ids=torch.cat([prompt_t, response_t], 1),
                   attention_mask=mask, token_level_scores=scores, advantages=adv, old_log_probs=logp)
    non_tensors = dict(
        uid=np.array(["u1", "u1", "u1", "u2", "u2"], dtype=object),
        tree_idx=np.array(["0/1-0/2-0", "0/1-0/2-1", "0/1-0/3-0", "1/1-0", "1/1-1"], dtype=object),
        token_count_per_step=np.array([[2, 2], [2, 2], [2, 2, 3], [2], [2]], dtype=object),
    )
    return DataProto.from_dict(tensors=tensors, non_tensors=non_tensors)


def test_hook_writes_the_batch_as_trees(tmp_path):
    path = str(tmp_path / "run.trace.jsonl.gz")
    hook = TreepoTraceHook(path, CharTokenizer(), every=2, max_prompts=8)
    batch = make_batch()
    assert isinstance(batch, DataProto)
    assert not hook.on_batch(batch, step=1)  # not a K-th step
    assert hook.on_batch(batch, step=2, metrics={"critic/score/mean": 0.4})
    hook.close()
    lines = read_trace(path)
    assert [line["rollout"] for line in lines if line.get("kind") == "rollout_started"] == [2]
    started = next(line for line in lines if line.get("kind") == "rollout_started")
    assert [p["text"] for p in started["prompts"]] == ["Q1 ", "Q22 "]
    assert started["prompts"][0]["tokenIds"] == ids("Q1 ")  # left padding removed
    segs = [(s["prompt"], s["node"], s["text"]) for s in lines if s.get("kind") == "segment_decoded"]
    assert segs == [(0, 1, "aa"), (0, 2, "bb"), (0, 3, "cc"), (0, 4, "xyz"), (1, 1, "hi"), (1, 2, "ho")]
    spawned = {(s["prompt"], s["node"]): s["reason"] for s in lines if s.get("kind") == "node_spawned"}
    assert spawned[(0, 4)] == "fallback"
    logp = next(s for s in lines if s.get("kind") == "segment_decoded" and s["node"] == 4)["logprobs"]
    assert logp == pytest.approx([-0.14, -0.15, -0.16])  # old log-probs of tokens 2..4 of row 2
    rewards = [(e["prompt"], e["node"], e["reward"]) for e in lines if e.get("kind") == "node_ended"]
    assert rewards == [(0, 2, 1.0), (0, 3, 0.0), (0, 4, 1.0), (1, 1, 0.0), (1, 2, 1.0)]
    adv = next(line for line in lines if line.get("kind") == "advantages_assigned")["nodes"]
    assert {(a["prompt"], a["node"]): a["advantage"] for a in adv}[(1, 2)] == 1.0


def test_prompts_per_step_are_capped(tmp_path):
    path = str(tmp_path / "cap.gz")
    hook = TreepoTraceHook(path, CharTokenizer(), every=1, max_prompts=1)
    hook.on_batch(make_batch(), step=3)
    hook.close()
    started = next(line for line in read_trace(path) if line.get("kind") == "rollout_started")
    assert len(started["prompts"]) == 1


def test_legacy_trainer_hook_runs_before_the_update(tmp_path):
    from omegaconf import OmegaConf

    seen = []

    class FakeTrainer:  # the two attributes of RayPPOTrainer the wrapper reads
        def _update_actor(self, batch):
            seen.append(("update", self.global_steps))
            return batch

    install_legacy(FakeTrainer)
    trainer = FakeTrainer()
    trainer.global_steps = 1
    trainer.tokenizer = CharTokenizer()
    trainer.config = OmegaConf.create({"trainer": {"treepo_trace_dir": str(tmp_path), "experiment_name": "x",
                                                   "treepo_every": 1, "treepo_max_prompts": 2},
                                       "actor_rollout_ref": {"model": {"path": "m"}, "rollout": {"n": 3}},
                                       "algorithm": {"adv_estimator": "grpo"}})
    trainer._update_actor(make_batch())
    trainer._treepo_hook.close()
    assert seen == [("update", 1)]
    lines = read_trace(str(tmp_path / "x.trace.jsonl.gz"))
    assert lines[0]["config"]["algorithm.adv_estimator"] == "grpo"
    assert any(line.get("kind") == "rollout_started" for line in lines)


def test_fork_patch_columns_are_json_rows(tmp_path):
    """The TreePO-fork patch's new helper (verl/utils/treepo_dump.py, taken from the patch file)
    on a real DataProto: the columns `_dump_generations` writes, one JSON-ready value per row."""
    import json

    columns = fork_patch_columns()(make_batch(), {"acc": [True, False, True, False, True], "short": [1]})
    assert columns["tree_idx"][2] == "0/1-0/3-0"
    assert columns["token_count_per_step"][2] == [2, 2, 3]
    assert columns["uid"] == ["u1", "u1", "u1", "u2", "u2"]
    assert columns["advantage"][3] == pytest.approx(-1.0)
    assert "acc" in columns and "short" not in columns  # only per-sample lists are dumped
    for i in range(5):
        json.dumps({k: v[i] for k, v in columns.items()})


def test_writer_decodes_with_its_own_copy_of_a_fast_tokenizer(tmp_path):
    """A Rust-backed tokenizer shared with a thread that encodes fails with "Already borrowed";
    the writer decodes with a deep copy (a real PreTrainedTokenizerFast, built offline)."""
    from tokenizers import Tokenizer, decoders
    from tokenizers.models import WordLevel
    from transformers import PreTrainedTokenizerFast

    vocab = {chr(i): i for i in range(32, 127)}
    vocab["<pad>"] = 0
    core = Tokenizer(WordLevel(vocab, unk_token="<pad>"))
    core.decoder = decoders.Fuse()
    tok = PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="<pad>")
    hook = TreepoTraceHook(str(tmp_path / "hf.gz"), tok)
    assert hook.writer_tokenizer is not tok
    assert hook.writer_tokenizer.backend_tokenizer is not tok.backend_tokenizer
    hook.on_batch(make_batch(), step=1)
    hook.close()
    segs = [s["text"] for s in read_trace(str(tmp_path / "hf.gz")) if s.get("kind") == "segment_decoded"]
    assert segs == ["aa", "bb", "cc", "xyz", "hi", "ho"]
