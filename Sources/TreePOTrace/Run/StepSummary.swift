// One step of a run as the step list shows it, counted from the step's small lines only (the
// index never decodes a segment's text): paths by outcome, scores, response tokens.

public struct StepSummary: Sendable, Equatable {
  /// The step's `rollout` number (`trainer.global_steps` for an import).
  public var rollout: Int
  public var prompts = 0
  /// Ended paths that count toward n (finished, stopped, truncated; not pruned).
  public var paths = 0
  /// Finished paths with a reward above 0.
  public var passed = 0
  public var scored = 0
  public var scoreSum = 0.0
  /// Response tokens of the step's paths (what they would cost sampled flat), else the tokens
  /// decoded: the last `round_finished`'s counters.
  public var tokens = 0
  public var trained = false

  public init(rollout: Int) { self.rollout = rollout }

  public var meanScore: Double? { scored > 0 ? scoreSum / Double(scored) : nil }
  public var passRate: Double? { paths > 0 ? Double(passed) / Double(paths) : nil }

  /// Adds one of the step's events (the index feeds it the kinds it parses).
  public mutating func count(_ event: TreeEvent) {
    switch event {
    case .rolloutStarted(let e):
      rollout = e.rollout
      prompts = e.prompts.count
    case .nodeEnded(let e):
      guard e.outcome != .pruned else { return }
      paths += 1
      if let r = e.reward, r.isFinite {
        scored += 1
        scoreSum += Double(r)
        if e.outcome == .finished && r > 0 { passed += 1 }
      }
    case .roundFinished(let e):
      let c = e.counters
      tokens = c.flatEquivalentTokens > 0 ? c.flatEquivalentTokens : c.decodedTokens
    case .trainStep: trained = true
    default: break
    }
  }
}
