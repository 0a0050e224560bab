"""The verl side: pick a step's rollouts out of a `DataProto` and hand them to the trace writer.

On the training thread this only slices tensors to CPU lists for the first `max_prompts` groups;
decoding, tree building, JSON and gzip happen on the writer thread.
"""

import copy
import logging
import os
from typing import Any, Dict, List, Optional

from .trace import Rollout, StepRecord, TraceFileWriter, header_line

log = logging.getLogger("treepo_verl")


def _tolist(x):
    return x.tolist() if hasattr(x, "tolist") else list(x)


class TreepoTraceHook:
    """Writes every `every`-th step's rollouts to `path` (gzip'd treepo trace).

    `tokenizer` decodes ids to text (anything with `decode(ids, skip_special_tokens=...)`).
    """

    def __init__(self, path: str, tokenizer, every: int = 1, max_prompts: int = 8, model: str = "",
                 config: Optional[Dict[str, Any]] = None):
        if every < 1 or max_prompts < 1:
            raise ValueError("treepo hook: `every` and `max_prompts` must be at least 1")
        self.every = every
        self.max_prompts = max_prompts
        self.tokenizer = tokenizer
        self.eos = getattr(tokenizer, "eos_token_id", None)
        # The writer thread decodes with a copy: a Rust-backed Hugging Face tokenizer refuses a
        # decode on one thread while another encodes ("Already borrowed"), and training encodes.
        try:
            self.writer_tokenizer = copy.deepcopy(tokenizer)
        except Exception:  # noqa: BLE001 - a tokenizer that cannot be copied is shared
            self.writer_tokenizer = tokenizer
        header = header_line(model or "verl", "verl", dict(config or {}, every=every, max_prompts=max_prompts))
        self.writer = TraceFileWriter(path, header, self._decode)

    def _decode(self, ids: List[int]) -> str:
        return self.writer_tokenizer.decode(ids, skip_special_tokens=False)

    def wants(self, step: int) -> bool:
        return step % self.every == 0

    def on_batch(self, batch, step: int, metrics: Optional[Dict[str, float]] = None) -> bool:
        """Records `batch` (a verl DataProto after the update) when `step` is one to keep."""
        if not self.wants(step):
            return False
        if not self.writer.submit(StepRecord(step, self.rollouts(batch), dict(metrics or {}))):
            log.warning("treepo hook: step %d not recorded: the writer is still on earlier steps", step)
            return False
        return True

    def rollouts(self, batch) -> List[Rollout]:
        t = batch.batch
        nt = batch.non_tensor_batch
        n = t["responses"].shape[0]
        # A response that fills the rollout's length limit without an end token was cut there;
        # a batch read back from TransferQueue is only as wide as its longest response, so it
        # says the limit itself.
        width = getattr(batch, "response_limit", None) or t["responses"].shape[1]
        uids = _tolist(nt["uid"]) if "uid" in nt else [str(i) for i in range(n)]
        keep, groups = [], []
        for i, u in enumerate(uids):
            if u not in groups:
                if len(groups) == self.max_prompts:
                    continue
                groups.append(u)
            keep.append(i)
        mask = t["attention_mask"]
        prompt_len = t["prompts"].shape[1]
        prompt_mask = mask[:, :prompt_len]
        # The response's length is its attention mask's; verl's response_mask also zeroes the
        # tool-output tokens inside a multi-turn response.
        response_len = mask[:, prompt_len:]
        scores = t["token_level_scores"].sum(-1) if "token_level_scores" in t.keys() else None
        counts = nt.get("token_count_per_step")
        if counts is None and "sample_stats" in nt:  # TreePO's rollout keeps them here
            counts = [s.get("token_count_per_step") for s in nt["sample_stats"]]
        out = []
        for i in keep:
            rlen = int(response_len[i].sum())
            pm = prompt_mask[i].bool()
            ids = _tolist(t["responses"][i, :rlen])

            def per_token(key):
                return _tolist(t[key][i, :rlen].float()) if key in t.keys() else None

            out.append(Rollout(
                group=str(uids[i]),
                prompt_ids=_tolist(t["prompts"][i][pm]),
                response_ids=ids,
                score=float(scores[i]) if scores is not None else None,
                tree_idx=str(nt["tree_idx"][i]) if "tree_idx" in nt else None,
                token_counts=[int(c) for c in counts[i]] if counts is not None and counts[i] is not None else None,
                advantages=per_token("advantages"),
                logprobs=per_token("old_log_probs"),
                entropies=per_token("entropys") or per_token("entropies"),
                truncated=rlen == width and (not ids or ids[-1] != self.eos),
            ))
        return out

    def close(self) -> None:
        self.writer.close()


def hook_from_config(config, tokenizer) -> Optional[TreepoTraceHook]:
    """`trainer.treepo_trace_dir` (+ `treepo_every`, `treepo_max_prompts`) → a hook, else None."""
    trainer = config.trainer
    out_dir = trainer.get("treepo_trace_dir", None)
    if not out_dir:
        return None
    path = os.path.join(out_dir, f"{trainer.get('experiment_name', 'run')}.trace.jsonl.gz")
    model = str(config.actor_rollout_ref.model.get("path", "")) if "actor_rollout_ref" in config else ""
    return TreepoTraceHook(path, tokenizer, every=int(trainer.get("treepo_every", 1)),
                           max_prompts=int(trainer.get("treepo_max_prompts", 8)), model=model,
                           config={"algorithm.adv_estimator": config.get("algorithm", {}).get("adv_estimator", ""),
                                   "actor_rollout_ref.rollout.n": config.actor_rollout_ref.rollout.get("n", "")
                                   if "actor_rollout_ref" in config else ""})
