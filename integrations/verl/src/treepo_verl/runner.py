"""Turning the hook on in a verl run: a TaskRunner for `run_ppo(config, task_runner_class=...)`.

verl builds its trainer inside `TaskRunner.run`, in the TaskRunner's own Ray actor process. The
runner below installs the hook on the trainer class there (that process only) and then runs
verl's own `run`:
  - legacy trainer (`RayPPOTrainer`, verl 0.7/0.8, `trainer.use_v1=False` in 0.9): just before
    each actor update, when the batch holds scores, advantages and old log-probs;
  - V1 trainer (`trainer.use_v1=True`): in `on_step_end`, reading the step's fields back from
    TransferQueue the way verl's own `_log_rollout_data` does.

Config (Hydra, `+trainer.…`): `treepo_trace_dir` (on when set), `treepo_every` (K, default 1),
`treepo_max_prompts` (default 8).
"""

from .hook import hook_from_config

_V1_FIELDS = ["uid", "prompts", "responses", "rm_scores", "advantages", "old_log_probs"]


def install_legacy(trainer_cls) -> None:
    """Wraps `trainer_cls._update_actor` (verl's RayPPOTrainer) once."""
    if getattr(trainer_cls, "_treepo_installed", False):
        return
    original = trainer_cls._update_actor

    def _update_actor(self, batch):
        hook = _hook(self)
        if hook is not None:
            hook.on_batch(batch, int(self.global_steps))
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
        hook = _hook(self)
        meta = getattr(self, "_treepo_batch", None)
        if hook is not None and meta is not None and hook.wants(int(self.global_steps)):
            hook.on_batch(_V1Batch.fetch(meta, self.tokenizer.pad_token_id), int(self.global_steps))
        return result

    trainer_cls.step, trainer_cls.on_step_end = step, on_step_end
    trainer_cls._treepo_installed = True


class _V1Batch:
    """The slice of DataProto's interface the hook reads, filled from TransferQueue."""

    def __init__(self, batch, non_tensor_batch):
        self.batch, self.non_tensor_batch = batch, non_tensor_batch

    @classmethod
    def fetch(cls, meta, pad_id):
        import numpy as np
        import torch
        import transfer_queue as tq

        data = tq.kv_batch_get(keys=meta.keys, partition_id=meta.partition_id, select_fields=_V1_FIELDS)
        prompts = data["prompts"].to_padded_tensor(padding=pad_id)
        responses = data["responses"].to_padded_tensor(padding=pad_id)
        lengths = [len(x) for x in data["responses"].unbind()]
        response_mask = torch.zeros_like(responses)
        for i, n in enumerate(lengths):
            response_mask[i, :n] = 1
        batch = {"prompts": prompts, "responses": responses, "response_mask": response_mask,
                 "attention_mask": torch.cat([(prompts != pad_id).long(), response_mask], dim=1),
                 "token_level_scores": data["rm_scores"].to_padded_tensor(padding=0.0)}
        for key in ("advantages", "old_log_probs"):
            if key in data.keys():
                batch[key] = data[key].to_padded_tensor(padding=0.0)
        uids = [k.rsplit("_", 2)[0] for k in meta.keys]
        return cls(batch, {"uid": np.array(uids, dtype=object)})


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

    use_v1 = bool(config.trainer.get("use_v1", False))
    if use_v1:
        from verl.trainer.main_ppo import TaskRunnerV1 as Base
    else:
        try:  # verl 0.9 moved the legacy runner to main_ppo_v0
            from verl.trainer.main_ppo_v0 import TaskRunner as Base
        except ImportError:
            from verl.trainer.main_ppo import TaskRunner as Base

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
            finally:  # the last steps still in the writer's queue
                for hook in _HOOKS:
                    hook.close()

    return ray.remote(num_cpus=1)(TreepoTaskRunner)
