"""treepo-verl: verl rollouts as treepo traces (`treepo replay` draws their trees)."""

from .hook import TreepoTraceHook, hook_from_config
from .trace import Rollout, StepRecord, TraceFileWriter
from .trees import Sample, build_tree, parse_tree_idx

__all__ = ["TreepoTraceHook", "hook_from_config", "Rollout", "StepRecord", "TraceFileWriter",
           "Sample", "build_tree", "parse_tree_idx"]
