"""treepo's trace format (docs/trace-format.md), written off the training thread (standard library).

The file is gzip'd JSONL: the header line in the first gzip member, then one member per recorded
step, appended whole. A run stopped mid-step loses at most that step; `treepo import trace` reads
every complete member.
"""

import gzip
import json
import math
import os
import queue
import threading
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

from .trees import Sample, build_tree

FORMAT = "treepo-trace"
VERSION = 1


@dataclass
class Rollout:
    """One sampled response, as plain Python values."""

    group: str
    prompt_ids: List[int]
    response_ids: List[int]
    score: Optional[float] = None
    tree_idx: Optional[str] = None
    token_counts: Optional[List[int]] = None
    advantages: Optional[List[float]] = None  # per response token
    logprobs: Optional[List[float]] = None  # old log-probs, per response token
    entropies: Optional[List[float]] = None
    truncated: bool = False  # hit the response length without an end token


@dataclass
class StepRecord:
    step: int
    rollouts: List[Rollout]
    metrics: Dict[str, float] = field(default_factory=dict)


def _num(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _line(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n"


def header_line(model: str, task: str, config: Dict[str, str], seed: int = 0) -> str:
    return _line(dict(format=FORMAT, version=VERSION, model=model, task=task,
                      config={k: str(v) for k, v in config.items()}, seed=int(seed)))


def step_lines(record: StepRecord, decode: Callable[[List[int]], str]) -> str:
    """The events of one step: a rollout per step, a prompt per group, its tree, scores, advantages."""
    groups: Dict[str, List[Rollout]] = {}
    for r in record.rollouts:
        groups.setdefault(r.group, []).append(r)
    trees = []
    for rs in groups.values():
        samples = [Sample(r.response_ids, r.tree_idx, r.token_counts) for r in rs]
        trees.append(build_tree(samples))
    sampler = "tree" if any(r.tree_idx is not None for r in record.rollouts) else "flat"
    prompts = [dict(index=g, text=decode(rs[0].prompt_ids), tokenIds=list(rs[0].prompt_ids))
               for g, rs in enumerate(groups.values())]
    out = [_line(dict(kind="rollout_started", rollout=record.step, sampler=sampler, prompts=prompts,
                      config={"source": "verl-hook", "trainer.global_steps": str(record.step)}))]
    advantages = []
    counters = dict(decodedTokens=0, flatEquivalentTokens=0, sharedPrefixTokens=0, kvPagesInUse=0,
                    kvPagesPeak=0, active=0, finished=0, stopped=0, truncated=0, pruned=0, fallbacks=0,
                    elapsedSeconds=0.0)
    ended = []
    max_depth = 0
    for g, (rs, nodes) in enumerate(zip(groups.values(), trees)):
        for n in nodes:
            spawned = dict(kind="node_spawned", prompt=g, node=n.id, depth=n.depth, reason=n.reason)
            if n.parent is not None:
                spawned["parent"] = n.parent
            out.append(_line(spawned))
            max_depth = max(max_depth, n.depth)
            if n.parent is None:
                continue
            r = rs[n.leader]
            ids = r.response_ids[n.start:n.end]
            seg = dict(kind="segment_decoded", prompt=g, node=n.id, tokenIds=list(ids), text=decode(ids),
                       logprobs=[_num(x) for x in (r.logprobs or [])[n.start:n.end]],
                       entropies=[_num(x) for x in (r.entropies or [])[n.start:n.end]])
            out.append(_line(seg))
            counters["decodedTokens"] += len(ids)
            if n.reason == "fallback":
                counters["fallbacks"] += 1
            if r.advantages and n.end > n.start:
                span = r.advantages[n.start:n.end]
                advantages.append(dict(prompt=g, node=n.id, advantage=_num(sum(span) / len(span))))
            if n.sample is not None:
                s = rs[n.sample]
                outcome = "truncated" if s.truncated else "finished"
                end = dict(kind="node_ended", prompt=g, node=n.id, outcome=outcome,
                           reason="max_tokens" if s.truncated else "eos")
                if s.score is not None:
                    end["reward"] = _num(s.score)
                ended.append(_line(end))
                counters["truncated" if s.truncated else "finished"] += 1
                counters["flatEquivalentTokens"] += len(s.response_ids)
    counters["sharedPrefixTokens"] = counters["flatEquivalentTokens"] - counters["decodedTokens"]
    out += ended
    out.append(_line(dict(kind="round_finished", round=max_depth, counters=counters, done=True)))
    if advantages:
        out.append(_line(dict(kind="advantages_assigned", estimator="verl", nodes=advantages)))
    out.append(_line(dict(kind="train_step", step=record.step,
                          metrics={k: _num(v) for k, v in record.metrics.items()}, changes=[])))
    return "".join(out)


class TraceFileWriter:
    """Appends one gzip member per step from a background thread; `submit` only enqueues."""

    def __init__(self, path: str, header: str, decode: Callable[[List[int]], str], max_pending: int = 4):
        self.path = path
        self.decode = decode
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "wb") as f:
            f.write(gzip.compress(header.encode("utf-8"), mtime=0))
        self._queue: "queue.Queue[Optional[StepRecord]]" = queue.Queue(maxsize=max_pending)
        self.error: Optional[BaseException] = None
        self.writer_thread_ids = set()
        self._thread = threading.Thread(target=self._run, name="treepo-trace-writer", daemon=True)
        self._thread.start()

    def submit(self, record: StepRecord) -> bool:
        """Queues the step; False (the step not kept) when `max_pending` steps are still waiting,
        so a slow disk never holds up training."""
        if self.error is not None:
            raise RuntimeError(f"treepo trace writer failed earlier: {self.error}")
        try:
            self._queue.put_nowait(record)
        except queue.Full:
            return False
        return True

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self.error is not None:
            raise RuntimeError(f"treepo trace writer failed: {self.error}")

    def _run(self) -> None:
        while True:
            record = self._queue.get()
            if record is None:
                return
            try:
                self.writer_thread_ids.add(threading.get_ident())
                member = gzip.compress(step_lines(record, self.decode).encode("utf-8"), mtime=0)
                with open(self.path, "ab") as f:
                    f.write(member)
            except BaseException as e:  # reported on the next submit/close
                self.error = e
                return
