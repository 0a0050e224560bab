import TreePOTrace

// Hand-built events for the canonical scenes the snapshot and scenario tests draw. Two prompts;
// node ids are unique within the rollout (prompt 1's ids start at 100).

enum Scenes {
  static let prompt0 = "6 6 9 0 7>8:"
  static let prompt1 = "1 2 3 4>5:"

  static func started() -> TreeEvent {
    .rolloutStarted(
      RolloutStarted(
        rollout: 0, sampler: "tree",
        prompts: [
          PromptInfo(index: 0, text: prompt0, tokenIds: Array(0..<12)),
          PromptInfo(index: 1, text: prompt1, tokenIds: Array(0..<10)),
        ], config: ["rollout.n": "4", "tree_div_policy": "entropy"]))
  }

  static func spawn(_ node: Int, _ parent: Int?, depth: Int, _ reason: SpawnReason, prompt: Int = 0)
    -> TreeEvent
  {
    .nodeSpawned(
      NodeSpawned(prompt: prompt, node: node, parent: parent, depth: depth, reason: reason))
  }

  /// One token per character; `hot` marks the positions with high entropy (0.9 nats, p ≈ 0.4).
  static func decode(_ node: Int, _ text: String, hot: Set<Int> = [], prompt: Int = 0) -> TreeEvent
  {
    let n = text.count
    let entropies = (0..<n).map { hot.contains($0) ? Float(0.9) : Float(0.02) }
    let logprobs = (0..<n).map { hot.contains($0) ? Float(-0.9) : Float(-0.01) }
    return .segmentDecoded(
      SegmentDecoded(
        prompt: prompt, node: node, tokenIds: (0..<n).map { $0 + 1 }, text: text,
        logprobs: logprobs, entropies: entropies))
  }

  static func end(
    _ node: Int, _ outcome: NodeOutcome, _ reason: String, reward: Float? = nil,
    failure: String? = nil, prompt: Int = 0
  ) -> TreeEvent {
    .nodeEnded(
      NodeEnded(
        prompt: prompt, node: node, outcome: outcome, reason: reason, reward: reward,
        failure: failure))
  }

  static func round(_ r: Int, decoded: Int, flat: Int, active: Int, done: Bool = false)
    -> TreeEvent
  {
    var c = RolloutCounters()
    c.decodedTokens = decoded
    c.flatEquivalentTokens = flat
    c.sharedPrefixTokens = flat - decoded
    c.kvPagesInUse = active * 2
    c.kvPagesPeak = 8
    c.active = active
    c.elapsedSeconds = Double(r) * 0.5
    return .roundFinished(RoundFinished(round: r, counters: c, done: done))
  }

  /// Round 1 with a fork inside node 1's segment (tree_branch_position=max-entropy): the segment
  /// "9*6=4(" was cut before its uncertain `6`; node 3 continues it, node 4 draws the token again.
  static var midSegmentFork: [TreeEvent] {
    [
      started(),
      spawn(0, nil, depth: 0, .root), spawn(1, 0, depth: 1, .initial),
      spawn(2, 0, depth: 1, .initial),
      decode(1, "9*", hot: []),
      .nodeSpawned(
        NodeSpawned(prompt: 0, node: 3, parent: 1, depth: 2, reason: .divergence, forkEntropy: 0.9)),
      decode(3, "6=4(", hot: [0]), decode(2, "7+6=3("),
      spawn(5, 3, depth: 3, .divergence),
      .nodeSpawned(
        NodeSpawned(prompt: 0, node: 4, parent: 1, depth: 2, reason: .divergence, forkEntropy: 0.9)),
      spawn(6, 2, depth: 2, .divergence),
      round(1, decoded: 40, flat: 40, active: 3),
      decode(4, "8=7(", hot: [0]),
    ]
  }

  /// Round 1 decoded and branched; round 2 under way (node 3 decoded, 4 and 5 waiting).
  static var midRollout: [TreeEvent] {
    [
      started(),
      spawn(0, nil, depth: 0, .root), spawn(1, 0, depth: 1, .initial),
      spawn(2, 0, depth: 1, .initial),
      spawn(100, nil, depth: 0, .root, prompt: 1), spawn(101, 100, depth: 1, .initial, prompt: 1),
      decode(1, "9*6=4(", hot: [0, 1]), decode(2, "7+6=3(", hot: [0]),
      decode(101, "4+1=5(", prompt: 1),
      spawn(3, 1, depth: 2, .divergence), spawn(4, 1, depth: 2, .divergence),
      spawn(5, 2, depth: 2, .divergence), spawn(102, 101, depth: 2, .divergence, prompt: 1),
      round(1, decoded: 40, flat: 40, active: 4),
      decode(3, "0 4 6 7)"),
    ]
  }

  /// Every path ended: ✓, ✗, ✂ (pruned), ⊘ (stopped), a fallback from the wrong leaf and a
  /// truncated ↺ path; then advantages and one train step.
  static var finishedBatch: [TreeEvent] {
    midRollout + [
      decode(4, "0 4 6 7)"), decode(5, "3 6 9 0", hot: [2]), decode(102, "1 2 5)", prompt: 1),
      end(5, .pruned, "budget"),
      end(102, .stopped, "repetition", reward: 0, failure: "format", prompt: 1),
      spawn(6, 3, depth: 3, .divergence), spawn(7, 4, depth: 3, .divergence),
      round(2, decoded: 62, flat: 80, active: 2),
      decode(6, "6+0=6$"), decode(7, "7*6=3$", hot: [1]),
      end(6, .finished, "terminator", reward: 1),
      end(7, .finished, "terminator", reward: 0, failure: "arith"),
      .fallback(FallbackTaken(prompt: 0, sourceLeaf: 7, cutNode: 1, cutDepth: 1)),
      spawn(8, 1, depth: 2, .fallback),
      round(3, decoded: 74, flat: 110, active: 1),
      decode(8, "0 4 7)9"), end(8, .truncated, "max_depth", reward: 0, failure: "unfinished"),
      end(101, .finished, "terminator", reward: 1, prompt: 1),
      round(4, decoded: 81, flat: 150, active: 0, done: true),
      .advantagesAssigned(
        AdvantagesAssigned(
          estimator: "tree",
          nodes: [
            NodeAdvantage(prompt: 0, node: 1, advantage: 0.12),
            NodeAdvantage(prompt: 0, node: 3, advantage: 0.87),
            NodeAdvantage(prompt: 0, node: 4, advantage: -0.87),
            NodeAdvantage(prompt: 0, node: 6, advantage: 0.87),
            NodeAdvantage(prompt: 0, node: 7, advantage: -0.87),
            NodeAdvantage(prompt: 0, node: 8, advantage: -0.5),
            NodeAdvantage(prompt: 1, node: 101, advantage: 0.3),
          ])),
      .trainStep(
        TrainStepFinished(
          step: 1,
          metrics: [
            "critic/score/mean": 0.4, "actor/pg_loss": -0.021, "actor/pg_clipfrac": 0.05,
            "actor/ppo_kl": 0.0012, "actor/entropy": 0.41, "actor/grad_norm": 0.93,
          ],
          changes: [
            NodeLogprobChange(prompt: 0, node: 6, before: -4.1, after: -3.6),
            NodeLogprobChange(prompt: 0, node: 7, before: -3.9, after: -4.4),
          ])),
    ]
  }
}
