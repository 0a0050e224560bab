// The rollout's settings, named after verl / TreePO where a name exists, with defaults sized for
// the tiny Countdown model (≈ 7 segments of 6 tokens per completion).

public enum DivergencePolicy: String, Sendable, CaseIterable, Codable {
  /// Even split, remainder to the last path (the reference's default).
  case fixed
  /// softmax(−mean log-probability of the path's response / τ): unlikely paths branch more.
  case logprob
  /// softmax(mean token entropy of the path's last segment / τ): uncertain paths branch more.
  case entropy
  /// Only paths whose last segment is uncertain (mean entropy ≥ threshold, or in the round's top
  /// fraction) branch, into at most w children each; the others continue as one child.
  case entropyGated = "entropy-gated"
  /// softmax(entropy at the path's branch token / τ): the highest token entropy of its last
  /// segment, where the uncertainty sits, instead of the segment's mean (issue 13 item 4).
  case branchEntropy = "branch-entropy"
}

public enum FallbackPolicy: String, Sendable, CaseIterable, Codable {
  /// Cut a finished leaf back to a random segment boundary and branch w children there.
  case random
  /// Leave the prompt with fewer than n trajectories (reported).
  case none
}

/// Where a fallback cuts its source leaf back to.
public enum FallbackCut: String, Sendable, CaseIterable, Codable {
  /// Any segment boundary above the leaf, alike (the reference).
  case uniform
  /// Boundaries before uncertain segments are likelier: softmax(mean entropy of the segment / τ).
  case entropy
}

/// Where a tree segment ends (`tree_segment_boundary`).
public enum SegmentBoundary: String, Sendable, CaseIterable, Codable {
  /// After `tree_max_token_per_step` tokens (the reference).
  case fixed
  /// After the task's step boundary token (Countdown: `)`), `tree_max_token_per_step` the cap.
  case step
}

/// Where a branching path forks (`tree_branch_position`).
public enum BranchPosition: String, Sendable, CaseIterable, Codable {
  /// At the end of its last segment (the reference).
  case end
  /// At the highest-entropy token of its last segment: the segment is split there into a prefix
  /// node and the path's own continuation, and the new children resample from that token on.
  case maxEntropy = "max-entropy"
}

/// What the repetition rule does to a path whose response ends in a repeated block.
public enum RepetitionAction: String, Sendable, CaseIterable, Codable {
  /// Stopped early: still a trajectory (reward from the verifier, normally 0).
  case stop
  /// Pruned: stays in the tree, does not count toward n.
  case prune
  case off
}

public struct RolloutConfig: Sendable, Equatable {
  /// `rollout.n`: trajectories per prompt.
  public var n = 16
  /// `tree_max_token_per_step`: tokens per segment.
  public var segmentLength = 6
  /// `tree_max_depth`: segments per path at most (then truncated, reason max_depth).
  public var maxDepth = 16
  /// `response_length`: response tokens per path at most (then truncated, reason max_tokens).
  public var maxResponseTokens = 96
  /// `tree_fixed_step_div` (w): children of the root, and of a path that branches.
  public var divergence = 2
  /// Upper end of a random first divergence in [w, w_max] per prompt; nil = always w.
  public var maxInitialDivergence: Int? = nil
  /// `tree_div_policy`.
  public var divergencePolicy = DivergencePolicy.entropy
  /// `tree_div_temperature` (τ of the logprob / entropy softmax).
  public var divergenceTemperature: Float = 1
  /// `tree_div_entropy_threshold`: entropy-gated branches when the last segment's mean entropy
  /// (nats) reaches this.
  public var entropyThreshold: Float = 0.25
  /// `tree_div_entropy_top_frac`: entropy-gated also branches the round's top fraction (0 = off).
  public var entropyTopFraction: Float = 0
  /// `tree_segment_boundary`: segments end at the task's step boundary (cap: segmentLength).
  public var segmentBoundary = SegmentBoundary.fixed
  /// `tree_distinct_siblings`: children created at one branch point draw their first token without
  /// replacement (Gumbel-top-k). Not on-policy: see docs/algorithm.md.
  public var distinctSiblings = false
  /// `tree_branch_position`: fork at the segment's end, or at its highest-entropy token.
  public var branchPosition = BranchPosition.end
  /// `tree_fallback_policy`.
  public var fallbackPolicy = FallbackPolicy.random
  /// `tree_fallback_cut`.
  public var fallbackCut = FallbackCut.uniform
  /// `tree_fallback_fill`: repeat the fallback within the round until every missing trajectory has
  /// a path (each from its own random leaf and cut), instead of one fallback per round.
  public var fallbackFill = true
  /// Hard cap: fallbacks per prompt (reported when hit).
  public var maxFallbacksPerPrompt = 64
  /// Hard cap: tokens through the model in one rollout (reported when hit); nil = none.
  public var maxTotalTokens: Int? = nil
  /// Repetition rule: a block of 1…8 tokens repeated to fill the last `repetitionSpan` tokens.
  public var repetition = RepetitionAction.stop
  public var repetitionSpan = 12
  /// Prune rule `invalid_prefix`: the task says the partial completion can no longer be correct.
  public var pruneInvalidPrefix = false
  /// Prune rule `budget`: when more paths are active than trajectories are still needed, the
  /// lowest-scoring (lowest mean log-probability) are dropped.
  public var pruneBudget = true
  /// Token sampling (verl `rollout.temperature`, `top_p`, `top_k`; top_k 0 = off).
  public var temperature: Float = 1
  public var topP: Float = 1
  public var topK = 0
  public var seed: UInt64 = 0

  public init() {}

  /// The settings under their verl / TreePO names, for the trace header and `RolloutStarted`.
  public var dictionary: [String: String] {
    var d: [String: String] = [
      "rollout.n": "\(n)",
      "tree_max_token_per_step": "\(segmentLength)",
      "tree_max_depth": "\(maxDepth)",
      "response_length": "\(maxResponseTokens)",
      "tree_fixed_step_div": "\(divergence)",
      "tree_div_policy": divergencePolicy.rawValue,
      "tree_div_temperature": "\(divergenceTemperature)",
      "tree_fallback_policy": fallbackPolicy.rawValue,
      "tree_max_fallbacks": "\(maxFallbacksPerPrompt)",
      "tree_fallback_fill": "\(fallbackFill)",
      "tree_fallback_cut": fallbackCut.rawValue,
      "repetition": repetition.rawValue,
      "repetition_span": "\(repetitionSpan)",
      "prune_invalid_prefix": "\(pruneInvalidPrefix)",
      "prune_budget": "\(pruneBudget)",
      "temperature": "\(temperature)",
      "top_p": "\(topP)",
      "top_k": "\(topK)",
      "seed": "\(seed)",
    ]
    if let wMax = maxInitialDivergence { d["tree_max_initial_div"] = "\(wMax)" }
    if divergencePolicy == .entropyGated {
      d["tree_div_entropy_threshold"] = "\(entropyThreshold)"
      d["tree_div_entropy_top_frac"] = "\(entropyTopFraction)"
    }
    if let cap = maxTotalTokens { d["max_total_tokens"] = "\(cap)" }
    // Only when set, so traces of the default sampler keep their exact header.
    if segmentBoundary != .fixed { d["tree_segment_boundary"] = segmentBoundary.rawValue }
    if distinctSiblings { d["tree_distinct_siblings"] = "true" }
    if branchPosition != .end { d["tree_branch_position"] = branchPosition.rawValue }
    return d
  }

  /// Checks the settings; the error names the setting and its bad value. Floats must be finite.
  public func validate() throws(RolloutConfigError) {
    func bad(_ name: String, _ value: Any, _ rule: String) -> RolloutConfigError {
      RolloutConfigError(description: "\(name) is \(value); it must be \(rule)", setting: name)
    }
    if n < 1 { throw bad("rollout.n", n, "at least 1") }
    if segmentLength < 1 { throw bad("tree_max_token_per_step", segmentLength, "at least 1") }
    if maxDepth < 1 { throw bad("tree_max_depth", maxDepth, "at least 1") }
    if maxResponseTokens < 1 { throw bad("response_length", maxResponseTokens, "at least 1") }
    if divergence < 1 { throw bad("tree_fixed_step_div", divergence, "at least 1") }
    if let wMax = maxInitialDivergence, wMax < divergence {
      throw bad("tree_max_initial_div", wMax, "at least tree_fixed_step_div (\(divergence))")
    }
    // A first divergence above n would only pile probability on n (the root never has more
    // children than trajectories).
    if let wMax = maxInitialDivergence, wMax > n {
      throw bad("tree_max_initial_div", wMax, "at most rollout.n (\(n))")
    }
    if !(divergenceTemperature > 0 && divergenceTemperature.isFinite) {
      throw bad("tree_div_temperature", divergenceTemperature, "a positive number")
    }
    if !(entropyThreshold >= 0 && entropyThreshold.isFinite) {
      throw bad("tree_div_entropy_threshold", entropyThreshold, "a number ≥ 0")
    }
    if !(entropyTopFraction >= 0 && entropyTopFraction <= 1) {
      throw bad("tree_div_entropy_top_frac", entropyTopFraction, "between 0 and 1")
    }
    if maxFallbacksPerPrompt < 0 { throw bad("tree_max_fallbacks", maxFallbacksPerPrompt, "≥ 0") }
    if repetitionSpan < 2 { throw bad("repetition_span", repetitionSpan, "at least 2") }
    if !(temperature >= 0 && temperature.isFinite) {
      throw bad("temperature", temperature, "a number ≥ 0 (0 = greedy)")
    }
    if !(topP > 0 && topP <= 1) { throw bad("top_p", topP, "in (0, 1]") }
    if topK < 0 { throw bad("top_k", topK, "≥ 0 (0 = off)") }
    if let cap = maxTotalTokens, cap < 1 { throw bad("max_total_tokens", cap, "at least 1") }
  }
}

public struct RolloutConfigError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  /// The setting at fault under its verl / TreePO name (nil for errors about the prompts).
  public var setting: String? = nil
}
