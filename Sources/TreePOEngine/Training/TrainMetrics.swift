// verl-named metrics of a batch and a rollout, and the JSONL line `{"step": N, "data": {...}}`.

import Foundation

/// Scores, advantages and lengths of the batch (verl `compute_data_metrics` names).
func batchMetrics(_ trajectories: [Trajectory], advantages: AdvantageResult) -> [String: Double] {
  var metrics: [String: Double] = [:]
  let scores = trajectories.map { Double($0.reward) }
  let lengths = trajectories.map { Double($0.responseTokens.count) }
  let tokens = advantages.tokenAdvantages.flatMap { $0 }.map(Double.init)
  for (name, values) in [
    ("critic/score", scores), ("critic/rewards", scores), ("critic/advantages", tokens),
    ("response_length", lengths),
  ] {
    guard !values.isEmpty else { continue }
    metrics[name + "/mean"] = values.reduce(0, +) / Double(values.count)
    metrics[name + "/max"] = values.max()!
    metrics[name + "/min"] = values.min()!
  }
  var byPrompt: [Int: [Float]] = [:]
  for t in trajectories { byPrompt[t.prompt, default: []].append(t.reward) }
  let zeroStd = byPrompt.values.filter { rewards in rewards.allSatisfy { $0 == rewards[0] } }
  metrics["frac_reward_zero_std"] = Double(zeroStd.count) / Double(max(byPrompt.count, 1))
  metrics["batch/prompts"] = Double(byPrompt.count)
  metrics["batch/trajectories"] = Double(trajectories.count)
  return metrics
}

/// The rollout's compute accounting under `timing_s/gen` and `tree/…` names.
public func rolloutMetrics(counters: RolloutCounters, seconds: Double) -> [String: Double] {
  let flat = Double(counters.flatEquivalentTokens)
  return [
    "timing_s/gen": seconds,
    "tree/decoded_tokens": Double(counters.decodedTokens),
    "tree/flat_equivalent_tokens": flat,
    "tree/shared_prefix_tokens": Double(counters.sharedPrefixTokens),
    "tree/tokens_saved_frac": flat > 0 ? 1 - Double(counters.decodedTokens) / flat : 0,
    "tree/fallbacks": Double(counters.fallbacks),
    "tree/pruned": Double(counters.pruned),
    "tree/stopped": Double(counters.stopped),
    "tree/truncated": Double(counters.truncated),
    "tree/kv_pages_peak": Double(counters.kvPagesPeak),
  ]
}
