"""Turning the hook on in a verl run: a TaskRunner for `run_ppo(config, task_runner_class=...)`.

verl builds its trainer inside `TaskRunner.run`, in the TaskRunner's own Ray actor process. The
runner below installs the hook on the trainer class there (that process only) and then runs
verl's own `run`:
  - legacy trainer (`RayPPOTrainer`, verl 0.7/0.8, `trainer.use_v1=False` in 0.9): just before
    each actor update, when the batch holds scores, advantages and old log-probs;
  - V1 trainer (`trainer.use_v1=True`, 0.9's default): after `on_step_end`, reading the step's
    fields back from TransferQueue the way verl's own `_log_rollout_data` does (only the samples
    of the prompts it keeps, never verl's padding samples).
A failure in the hook is logged in one line and turns the trace off; the training step goes on.

Config (Hydra, `+trainer.…`): `treepo_trace_dir` (on when set), `treepo_every` (K, default 1),
`treepo_max_prompts` (default 8).
"""

import logging

from .hook import hook_from_config

log = logging.getLogger("treepo_verl")

# What the V1 trainer keeps in TransferQueue per sample (key `{uid}_{session}_{index}`), as
# jagged tensors of each sample's own length; `entropy` is absent in bypass mode (a field that
# is not there is simply left out of `kv_batch_get`'s answer).
_V1_FIELDS = ["uid", "prompts", "responses", "rm_scores", "advantages", "old_log_probs", "entropy"]


def install_legacy(trainer_cls) -> None:
    """Wraps `trainer_cls._update_actor` (verl's RayPPOTrainer) once."""
    if getattr(trainer_cls, "_treepo_installed", False):
        return
    original = trainer_cls._update_actor

    def _update_actor(self, batch):
        _record(self, int(self.global_steps), lambda hook: batch)
        return original(self, batch)

    trainer_cls._update_actor = _update_actor
    trainer_cls._treepo_installed = True


def install_v1(trainer_cls) -> None:
    """Wraps a V1 trainer's `step` (to keep the step's batch meta) and `on_step_end`."""
    if getattr(trainer_cls, "_treepo_installed", False):
        return
    original_step, original_end = trainer_cls.step, trainer_cls.on_step_end

    def step(self, metrics, timing_raw):
        batch = original_step(self, metrics, timing_raw)
        self._treepo_batch = batch
        return batch

    def on_step_end(self):
        result = original_end(self)
        meta, self._treepo_batch = getattr(self, "_treepo_batch", None), None
        if meta is not None:
            pad_id, limit = self.tokenizer.pad_token_id, _response_limit(self.config)
            _record(self, int(self.global_steps), lambda hook: _V1Batch.fetch(meta, pad_id, hook.max_prompts, limit))
        return result

    trainer_cls.step, trainer_cls.on_step_end = step, on_step_end
    trainer_cls._treepo_installed = True


def _record(trainer, step, batch_for):
    """Hands the step to the hook when it wants it. A failure never reaches the training loop:
    it is said in one log line and the trace stops for the rest of the run."""
    hook = None
    try:
        hook = _hook(trainer)
        if hook is not None and hook.wants(step):
            batch = batch_for(hook)
            if batch is not None:
                hook.on_batch(batch, step)
    except Exception as e:  # noqa: BLE001 - the trace must never stop training
        trainer._treepo_hook = None
        where = f" ({hook.writer.path})" if hook is not None else ""
        log.warning("treepo hook: step %d not recorded and the trace%s stopped for this run: %s: %s",
                    step, where, type(e).__name__, e)


class _V1Batch:
    """The slice of DataProto's interface the hook reads, filled from TransferQueue: prompts
    left-padded and responses right-padded as in a DataProto, masks from each sample's length."""

    def __init__(self, batch, non_tensor_batch, response_limit=None):
        self.batch, self.non_tensor_batch, self.response_limit = batch, non_tensor_batch, response_limit

    @classmethod
    def fetch(cls, meta, pad_id, max_prompts, response_limit=None):
        import numpy as np
        import torch
        import transfer_queue as tq

        keys = _kept_keys(meta, max_prompts)
        if not keys:  # nothing but padding: no rollout to write
            return None
        data = tq.kv_batch_get(keys=keys, partition_id=meta.partition_id, select_fields=_V1_FIELDS)
        pad = 0 if pad_id is None else int(pad_id)
        prompt_rows, response_rows = data["prompts"].unbind(), data["responses"].unbind()
        width = max(len(p) for p in prompt_rows)
        prompts = torch.full((len(keys), width), pad, dtype=torch.long)
        for i, p in enumerate(prompt_rows):
            prompts[i, width - len(p):] = p
        responses = data["responses"].to_padded_tensor(padding=pad)
        response_mask = torch.zeros_like(responses)
        for i, r in enumerate(response_rows):
            response_mask[i, :len(r)] = 1
        prompt_mask = (torch.arange(width) >= width - torch.tensor([len(p) for p in prompt_rows])[:, None]).long()
        batch = {"prompts": prompts, "responses": responses, "response_mask": response_mask,
                 "attention_mask": torch.cat([prompt_mask, response_mask], dim=1)}
        for key, name in (("rm_scores", "token_level_scores"), ("advantages", "advantages"),
                          ("old_log_probs", "old_log_probs"), ("entropy", "entropys")):
            if key in data.keys():
                batch[name] = data[key].to_padded_tensor(padding=0.0)
        # a non-tensor field comes back as a LinkedList, a NonTensorStack or an array by backend
        uids = [str(u) for u in list(data["uid"])] if "uid" in data.keys() else [_split(k)[0] for k in keys]
        return cls(batch, {"uid": np.array(uids, dtype=object)}, response_limit)


def _response_limit(config):
    try:
        return int(config.actor_rollout_ref.rollout.response_length)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _split(key):
    """`{uid}_{session}_{index}` → (uid, session, index), as verl's `_log_rollout_data` sorts."""
    parts = key.rsplit("_", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1]), int(parts[2])
    return key, 0, 0


def _kept_keys(meta, max_prompts):
    """The step's real samples (not verl's `is_padding` fillers) of its first `max_prompts`
    prompts in key order, so only those leave TransferQueue."""
    tags = meta.tags or [{}] * len(meta.keys)
    keys = sorted((k for k, t in zip(meta.keys, tags) if not t.get("is_padding", False)), key=_split)
    kept = []
    for uid in dict.fromkeys(_split(k)[0] for k in keys):
        if len(kept) == max_prompts:
            break
        kept.append(uid)
    kept = set(kept)
    return [k for k in keys if _split(k)[0] in kept]


_HOOKS = []


def _hook(trainer):
    if not hasattr(trainer, "_treepo_hook"):
        trainer._treepo_hook = hook_from_config(trainer.config, trainer.tokenizer)
        if trainer._treepo_hook is not None:
            _HOOKS.append(trainer._treepo_hook)
    return trainer._treepo_hook


def task_runner_class(config):
    """verl's TaskRunner for this config (legacy or V1) with the hook installed, as a Ray actor
    class for `run_ppo(config, task_runner_class=...)`."""
    import ray

    use_v1 = bool(config.trainer.get("use_v1", False))  # verl 0.9's default is True
    if use_v1:
        from verl.trainer.main_ppo import TaskRunnerV1 as Base
    else:
        try:  # verl 0.9 moved the legacy runner to main_ppo_v0
            from verl.trainer.main_ppo_v0 import TaskRunner as Base
        except ImportError:
            from verl.trainer.main_ppo import TaskRunner as Base
    # verl declares its runners with @ray.remote, and Ray refuses subclasses of actor classes:
    # derive from the plain class underneath.
    Base = getattr(Base, "__ray_actor_class__", Base)

    class TreepoTaskRunner(Base):
        def run(self, config):
            if use_v1:
                from verl.trainer.ppo.v1 import get_trainer_cls

                install_v1(get_trainer_cls(config.trainer.v1.trainer_mode))
            else:
                from verl.trainer.ppo.ray_trainer import RayPPOTrainer

                install_legacy(RayPPOTrainer)
            try:
                return super().run(config)
            finally:
                close_hooks()

    return ray.remote(num_cpus=1)(TreepoTaskRunner)


def close_hooks() -> None:
    """Flushes the steps still in the writers' queues; a writer that failed is said, not raised."""
    while _HOOKS:
        hook = _HOOKS.pop()
        try:
            hook.close()
        except Exception as e:  # noqa: BLE001
            log.warning("treepo hook: the trace %s may miss its last steps: %s", hook.writer.path, e)
