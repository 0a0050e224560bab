"""verl's V1 trainer on CPU, for test_verl_v1.py. What is real and what is faked:

Real (verl 0.9.1 / TransferQueue 0.1.11 from PyPI): the trainer class `get_trainer_cls("sync")`
(PPOTrainerSync) and everything its `step` and `on_step_end` run — `_step_once`, `_balance_batch`
with verl's padding samples (`upsample_batch_to_divisible_size`), `_compute_old_log_prob`
(`response_from_nested`), `_compute_advantage` (GRPO), `_update_actor`; verl's own config
(`ppo_trainer.yaml` through Hydra); the agent loop's write of each sample to TransferQueue
(`AgentLoopWorkerTQ._agent_loop_postprocess`, `AgentLoopOutput.as_dict`); TransferQueue's packing
of a get's answer (`AsyncSimpleStorageManager._pack_field_values`: jagged nested tensors and
NonTensorStack) and its `KVBatchMeta`.

Faked: `__init__`/`init` (no Ray, no models: the attributes `step` reads are set by hand), the
replay buffer (it hands out the step's finished samples), the actor worker group (log-probs
-id/100 of each predicted token, entropy position/1000, no update), the checkpoint manager, and
TransferQueue's storage: a dict behind `kv_batch_put`/`kv_batch_get`/`kv_list`/`kv_clear`, which
stores each sample's fields apart and merges tags, as the real client does. Everything here talks
to TransferQueue through its module functions only, so test_fake_tq_fidelity.py runs the same
steps on the real TransferQueue (opt-in, local Ray).
"""

import asyncio
import os

import numpy as np
import pytest
import torch
import transfer_queue as tq
from tensordict import TensorDict
from transfer_queue import KVBatchMeta
from transfer_queue.storage.managers.simple_storage_manager import AsyncSimpleStorageManager
from verl.experimental.agent_loop.agent_loop import AgentLoopMetrics, AgentLoopOutput
from verl.trainer.ppo.utils import need_critic, need_reference_policy
from verl.trainer.ppo.v1 import AgentLoopWorkerTQ, get_trainer_cls
from verl.utils.tensordict_utils import list_of_dict_to_tensordict


class Tokenizer:
    """One character a token. Pad and end tokens are visible characters, so a wrongly kept pad
    shows in the text and a prompt may hold the pad character itself."""

    pad_token_id = ord("#")
    eos_token_id = ord(".")

    def decode(self, ids, skip_special_tokens=False):
        return "".join(chr(int(i)) for i in ids)


def ids(text):
    return [ord(c) for c in text]


def verl_config(trace_dir, every=1, max_prompts=8, extra=()):
    from hydra import compose, initialize_config_dir
    from verl.trainer import main_ppo

    overrides = [
        "algorithm.adv_estimator=grpo", "actor_rollout_ref.rollout.n=2",
        "actor_rollout_ref.rollout.response_length=6", "actor_rollout_ref.actor.ppo_mini_batch_size=2",
        "data.train_batch_size=3", "trainer.experiment_name=v1", "actor_rollout_ref.model.path=char-model",
        f"+trainer.treepo_trace_dir={trace_dir}", f"+trainer.treepo_every={every}",
        f"+trainer.treepo_max_prompts={max_prompts}", *extra,
    ]
    config_dir = os.path.join(os.path.dirname(main_ppo.__file__), "config")
    with initialize_config_dir(config_dir=config_dir, version_base=None):
        return compose(config_name="ppo_trainer", overrides=overrides)


def _rows(fields, n):
    """A put's TensorDict as one dict of fields per sample (what a storage unit keeps)."""
    rows = [{} for _ in range(n)]
    for name in fields.keys():
        value = fields.get(name)
        if isinstance(value, torch.Tensor):
            values = list(value.unbind()) if value.is_nested else [value[i] for i in range(n)]
        else:
            values = value.tolist()
        for row, v in zip(rows, values):
            row[name] = v
    return rows


class FakeTransferQueue:
    """TransferQueue's client API at the module boundary (`transfer_queue.kv_batch_get` etc.)."""

    def __init__(self):
        self.samples, self.tags, self.gets = {}, {}, []

    def install(self, monkeypatch):
        for name in ("kv_batch_put", "kv_batch_get", "kv_clear", "kv_list", "async_kv_batch_put"):
            monkeypatch.setattr(tq, name, getattr(self, name))

    def kv_batch_put(self, keys, partition_id, fields=None, tags=None, data_parser=None):
        if fields is None and tags is None:
            raise ValueError("Please provide at least one parameter of `fields` or `tags`.")
        rows = _rows(fields, len(keys)) if fields is not None else [{} for _ in keys]
        for i, key in enumerate(keys):
            self.samples.setdefault((partition_id, key), {}).update(rows[i])
            self.tags.setdefault((partition_id, key), {}).update(tags[i] if tags else {})
        names = sorted(set().union(*(self.samples[(partition_id, k)] for k in keys)))
        return KVBatchMeta(keys=list(keys), tags=[dict(self.tags[(partition_id, k)]) for k in keys],
                           partition_id=partition_id, fields=names)

    async def async_kv_batch_put(self, **kwargs):
        return self.kv_batch_put(**kwargs)

    def kv_batch_get(self, keys, partition_id, select_fields=None):
        keys = [keys] if isinstance(keys, str) else list(keys)
        self.gets.append((keys, select_fields))
        if not keys or any((partition_id, k) not in self.samples for k in keys):
            raise ValueError("keys or partition were not found!")
        rows = [self.samples[(partition_id, k)] for k in keys]
        known = set().union(*rows)
        wanted = [select_fields] if isinstance(select_fields, str) else select_fields or sorted(known)
        names = [f for f in wanted if f in known]  # an unknown field is left out, as the real get does
        if any(f not in row for f in names for row in rows):
            raise ValueError("Some fields are not ready in all the requested keys!")
        packed = {f: AsyncSimpleStorageManager._pack_field_values([row[f] for row in rows]) for f in names}
        return TensorDict(packed, batch_size=len(keys))

    def kv_list(self, partition_id=None):
        out = {}
        for (p, k), tags in self.tags.items():
            if partition_id in (None, p):
                out.setdefault(p, {})[k] = dict(tags)
        return out

    def kv_clear(self, keys, partition_id):
        for key in [keys] if isinstance(keys, str) else keys:
            self.samples.pop((partition_id, key), None)
            self.tags.pop((partition_id, key), None)


@pytest.fixture
def store(monkeypatch):
    """The fake TransferQueue in place of the real client and the hook installed on CPUTrainer
    (defined below); the hooks closed after the test."""
    from treepo_verl.runner import close_hooks, install_v1

    fake = FakeTransferQueue()
    fake.install(monkeypatch)
    install_v1(CPUTrainer)
    yield fake
    close_hooks()


class FakeReplayBuffer:
    """Hands out the step's finished samples (TransferQueue's listing, in key order)."""

    def sample(self, global_steps, partition_id, batch_size):
        listed = tq.kv_list(partition_id).get(partition_id, {})
        keys = sorted(k for k, t in listed.items()
                      if t.get("status") == "success" and t.get("global_steps") == global_steps)
        return KVBatchMeta(keys=keys, tags=[listed[k] for k in keys], partition_id=partition_id), {}


class FakeActor:
    """The actor worker group: dispatch over 2 data-parallel ranks, log-probs, no update."""

    _dispatch_info = {"actor": [0, 1]}

    def __init__(self):
        self.updates = []

    def compute_log_prob(self, batch):
        logp, entropy = [], []
        sequences = tq.kv_batch_get(keys=batch.keys, partition_id=batch.partition_id, select_fields=["input_ids"])
        for seq in sequences["input_ids"].unbind():
            seq = seq.float()
            # the model's output at position t is about token t + 1 (verl shifts it back)
            logp.append(torch.cat([-seq[1:] / 100, torch.zeros(1)]))
            entropy.append(torch.arange(len(seq), dtype=torch.float32) / 1000)
        fields = TensorDict({"log_probs": torch.nested.as_nested_tensor(logp, layout=torch.jagged),
                             "entropy": torch.nested.as_nested_tensor(entropy, layout=torch.jagged)},
                            batch_size=len(batch))
        return tq.kv_batch_put(keys=batch.keys, partition_id=batch.partition_id, fields=fields)

    def update_actor(self, batch):
        self.updates.append(list(batch.keys))
        return {"metrics": {"mfu": [0.0], "pg_loss": [0.1]}}


class Checkpoints:
    def __init__(self):
        self.updates = []

    def update_weights(self, global_steps):
        self.updates.append(global_steps)

    def sleep_replicas(self):
        return None


class CPUTrainer(get_trainer_cls("sync")):
    """PPOTrainerSync without Ray: `__init__` sets what `step`/`on_step_end` read, and
    `prepare_step` plays the rollout: per prompt, `n` outputs through the agent loop's real write
    to TransferQueue, under keys `{uid}_{session}_0`."""

    def __init__(self, config, script):
        self.config, self.script = config, script
        self.use_critic, self.use_reference_policy = need_critic(config), need_reference_policy(config)
        self.use_teacher_policy = False
        self.trainer_mode, self.parameter_sync_step, self.local_trigger_step = "sync", 1, 0
        self.tokenizer, self.global_steps, self.timing_raw, self.curr_step_profile = Tokenizer(), 0, {}, False
        self.replay_buffer = FakeReplayBuffer()
        self.reward_loop_manager = type("Rewards", (), {"reward_loop_worker_handles": ["async rewards"]})()
        self.actor_rollout_wg, self.checkpoint_manager = FakeActor(), Checkpoints()

    def prepare_step(self):
        step = self.global_steps
        prompts = self.script(step)
        tq.kv_batch_put(keys=[u for u, _, _ in prompts], partition_id="train",
                        tags=[{"is_prompt": True, "status": "pending", "global_steps": step} for _ in prompts])
        worker = object.__new__(AgentLoopWorkerTQ.__ray_actor_class__)  # a Ray actor class
        worker.processor, worker.reward_loop_worker_handles, worker.distillation_enabled = None, None, False
        for uid, prompt, samples in prompts:
            for session, (response, score) in enumerate(samples):
                out = AgentLoopOutput(prompt_ids=ids(prompt), response_ids=ids(response),
                                      response_mask=[1] * len(response), response_logprobs=[-0.5] * len(response),
                                      reward_score=score, num_turns=2, metrics=AgentLoopMetrics(),
                                      extra_fields={"min_global_steps": step, "max_global_steps": step})
                asyncio.run(worker._agent_loop_postprocess(out, False, uid=uid, session_id=session, global_steps=step))
        return {}

    def run_step(self, step, clear=True):
        """One turn of `fit`'s loop, as far as the hook is concerned (`clear=False` leaves the
        step's samples in the store)."""
        self.global_steps, self.timing_raw, metrics = step, {}, {}
        batch = self.step(metrics, self.timing_raw)
        self.on_step_end()
        if clear:
            tq.kv_clear(keys=batch.keys, partition_id=batch.partition_id)
        return batch


def script(step):
    """Three prompts (one uid with underscores, one prompt holding the pad character), two
    responses each: ended by the end token, ending in the pad character, and on even steps one
    cut at the 6-token limit (on odd steps it stops a token short, without an end token)."""
    return [
        (f"s{step}_a", "Q1 #3? ", [("x=3.", 1.0), ("x=4.", 0.0)]),
        (f"s{step}b", "Q22 ", [("hi#", 0.0), ("abcdef" if step % 2 == 0 else "abcde", 1.0)]),
        (f"s{step}c", "Q3 ", [("a.", 1.0), ("b.", 0.5)]),
    ]


def legacy_batch(keys, width):
    """The same samples as a legacy trainer's DataProto: prompts left-padded, responses
    right-padded to the rollout's length, with the scores, advantages, log-probs and entropies
    the V1 step left in TransferQueue."""
    from verl import DataProto

    names = ["uid", "prompts", "responses", "rm_scores", "advantages", "old_log_probs", "entropy"]
    data = tq.kv_batch_get(keys=keys, partition_id="train", select_fields=names)
    columns = {n: list(data[n]) if n == "uid" else data[n].unbind() for n in names}
    rows = [{n: columns[n][i] for n in names} for i in range(len(keys))]
    pad = Tokenizer.pad_token_id
    p_width = max(len(r["prompts"]) for r in rows)
    prompts = torch.tensor([[pad] * (p_width - len(r["prompts"])) + r["prompts"].tolist() for r in rows])
    responses = torch.tensor([r["responses"].tolist() + [pad] * (width - len(r["responses"])) for r in rows])
    mask = torch.tensor([[0] * (p_width - len(r["prompts"])) + [1] * len(r["prompts"])
                         + [1] * len(r["responses"]) + [0] * (width - len(r["responses"])) for r in rows])

    def per_token(name):
        return torch.tensor([r[name].tolist() + [0.0] * (width - len(r[name])) for r in rows])

    tensors = dict(prompts=prompts, responses=responses, attention_mask=mask,
                   token_level_scores=per_token("rm_scores"), advantages=per_token("advantages"),
                   old_log_probs=per_token("old_log_probs"), entropys=per_token("entropy"))
    uids = np.array([r["uid"] for r in rows], dtype=object)
    return DataProto.from_dict(tensors=tensors, non_tensors={"uid": uids})
