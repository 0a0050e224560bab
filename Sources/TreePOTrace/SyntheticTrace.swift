// Plausible TreePO events without a model: for tests, the render/trace benchmarks and demo traces.
// The tree follows the sampler's rules loosely (w initial children, branching where a segment's
// entropy is high, leaves finishing / stopping / being pruned, a fallback when a prompt runs dry)
// but the tokens are random Countdown-looking text. Deterministic for a seed.

public struct SyntheticTrace: Sendable {
  public var prompts = 2
  /// Trajectories per prompt (`rollout.n`).
  public var width = 8
  public var segmentLength = 6
  public var maxDepth = 6
  public var rollouts = 1
  /// Copies of the root each prompt starts with (`tree_fixed_step_div`); raise it for big trees.
  public var initialDivergence = 2
  /// Emit an `advantages_assigned` and a `train_step` after each rollout.
  public var train = true
  public var seed: UInt64 = 1

  public init(
    prompts: Int = 2, width: Int = 8, segmentLength: Int = 6, maxDepth: Int = 6,
    rollouts: Int = 1, initialDivergence: Int = 2, train: Bool = true, seed: UInt64 = 1
  ) {
    self.initialDivergence = initialDivergence
    self.prompts = prompts
    self.width = width
    self.segmentLength = segmentLength
    self.maxDepth = maxDepth
    self.rollouts = rollouts
    self.train = train
    self.seed = seed
  }

  public var header: TraceHeader {
    TraceHeader(
      model: "synthetic", task: "countdown",
      config: ["rollout.n": "\(width)", "tree_max_token_per_step": "\(segmentLength)"],
      seed: seed)
  }

  public func events() -> [TreeEvent] {
    var rng = SeededRandom(seed: seed)
    var out: [TreeEvent] = []
    for r in 0..<rollouts { emitRollout(r, into: &out, rng: &rng) }
    return out
  }

  private struct Path {
    var prompt: Int
    var node: Int
    var depth: Int
  }

  private func emitRollout(_ r: Int, into out: inout [TreeEvent], rng: inout SeededRandom) {
    let alphabet = Array("0123456789+-*=() ")
    var infos: [PromptInfo] = []
    for p in 0..<prompts {
      let numbers = (0..<4).map { _ in String(Int(rng.next() % 10)) }
      let text = numbers.joined(separator: " ") + ">\(rng.next() % 10):"
      infos.append(PromptInfo(index: p, text: text, tokenIds: text.utf8.map { Int($0) % 17 }))
    }
    out.append(
      .rolloutStarted(
        RolloutStarted(rollout: r, sampler: "tree", prompts: infos, config: header.config)))
    var nextId = 0
    var active: [Path] = []
    var trajectories = [Int](repeating: 0, count: prompts)
    var leaves: [[Int]] = Array(repeating: [], count: prompts)
    var depthOf: [Int: Int] = [:]
    var parentOf: [Int: Int] = [:]
    var counters = RolloutCounters()
    var rewards: [Int: (prompt: Int, reward: Float)] = [:]

    func spawn(_ prompt: Int, parent: Int?, depth: Int, reason: SpawnReason) -> Int {
      let id = nextId
      nextId += 1
      depthOf[id] = depth
      if let parent { parentOf[id] = parent }
      out.append(
        .nodeSpawned(
          NodeSpawned(prompt: prompt, node: id, parent: parent, depth: depth, reason: reason)))
      return id
    }
    var roots: [Int] = []
    for p in 0..<prompts {
      let root = spawn(p, parent: nil, depth: 0, reason: .root)
      roots.append(root)
      for _ in 0..<initialDivergence {
        active.append(
          Path(prompt: p, node: spawn(p, parent: root, depth: 1, reason: .initial), depth: 1))
      }
    }
    var round = 1  // rounds count from 1, as the sampler's do
    while !active.isEmpty && round <= 4 * maxDepth {
      var next: [Path] = []
      for path in active {
        var ids: [Int] = []
        var lps: [Float] = []
        var ents: [Float] = []
        var text = ""
        for _ in 0..<segmentLength {
          let c = alphabet[Int(rng.next() % UInt64(alphabet.count))]
          text.append(c)
          ids.append(Int(rng.next() % 17))
          let uncertain = rng.nextUniform() < 0.3
          let e = uncertain ? 0.4 + rng.nextUniform() : 0.05 * rng.nextUniform()
          ents.append(e)
          lps.append(-e * (0.5 + rng.nextUniform()))
        }
        out.append(
          .segmentDecoded(
            SegmentDecoded(
              prompt: path.prompt, node: path.node, tokenIds: ids, text: text, logprobs: lps,
              entropies: ents)))
        counters.decodedTokens += segmentLength
        counters.sharedPrefixTokens += segmentLength * (path.depth - 1)
        let u = rng.nextUniform()
        let full = trajectories[path.prompt] >= width
        if path.depth >= maxDepth || full || u < 0.25 {
          let outcome: NodeOutcome
          var reward: Float? = nil
          var failure: String? = nil
          var reason = "terminator"
          if full {
            outcome = .pruned
            reason = "budget"
          } else if path.depth >= maxDepth {
            outcome = .truncated
            reason = "max_depth"
            reward = 0
            failure = "unfinished"
          } else if u < 0.03 {
            outcome = .stopped
            reason = "repetition"
            reward = 0
            failure = "format"
          } else {
            outcome = .finished
            let correct = rng.nextUniform() < 0.5
            reward = correct ? 1 : 0
            failure = correct ? nil : ["arith", "bad_operand", "wrong_target"][Int(rng.next() % 3)]
          }
          if outcome != .pruned {
            trajectories[path.prompt] += 1
            counters.flatEquivalentTokens += segmentLength * path.depth
            leaves[path.prompt].append(path.node)
            rewards[path.node] = (path.prompt, reward ?? 0)
          }
          switch outcome {
          case .finished: counters.finished += 1
          case .stopped: counters.stopped += 1
          case .truncated: counters.truncated += 1
          case .pruned: counters.pruned += 1
          }
          out.append(
            .nodeEnded(
              NodeEnded(
                prompt: path.prompt, node: path.node, outcome: outcome, reason: reason,
                reward: reward, failure: failure)))
        } else {
          let mean = ents.reduce(0, +) / Float(ents.count)
          let children = mean > 0.3 ? 2 : 1
          for _ in 0..<children {
            let id = spawn(
              path.prompt, parent: path.node, depth: path.depth + 1, reason: .divergence)
            next.append(Path(prompt: path.prompt, node: id, depth: path.depth + 1))
          }
        }
      }
      // A prompt with no active path left and too few trajectories falls back.
      for p in 0..<prompts
      where trajectories[p] < width && !next.contains(where: { $0.prompt == p }) {
        guard let source = leaves[p].last else { continue }
        let cutDepth = Int(rng.next() % UInt64(max(1, depthOf[source]!)))
        var cut = source
        while depthOf[cut]! > cutDepth { cut = parentOf[cut] ?? roots[p] }
        out.append(
          .fallback(FallbackTaken(prompt: p, sourceLeaf: source, cutNode: cut, cutDepth: cutDepth)))
        counters.fallbacks += 1
        for _ in 0..<2 {
          let id = spawn(p, parent: cut, depth: cutDepth + 1, reason: .fallback)
          next.append(Path(prompt: p, node: id, depth: cutDepth + 1))
        }
      }
      active = next
      counters.active = active.count
      counters.kvPagesInUse = active.count * 2 + prompts
      counters.kvPagesPeak = max(counters.kvPagesPeak, counters.kvPagesInUse)
      counters.elapsedSeconds += 0.05
      out.append(
        .roundFinished(RoundFinished(round: round, counters: counters, done: active.isEmpty)))
      round += 1
    }
    guard train else { return }
    var means = [Float](repeating: 0, count: prompts)
    var counts = [Float](repeating: 0, count: prompts)
    for (_, v) in rewards {
      means[v.prompt] += v.reward
      counts[v.prompt] += 1
    }
    var advantages: [NodeAdvantage] = []
    var changes: [NodeLogprobChange] = []
    for (node, v) in rewards.sorted(by: { $0.key < $1.key }) {
      let a = v.reward - means[v.prompt] / max(1, counts[v.prompt])
      advantages.append(NodeAdvantage(prompt: v.prompt, node: node, advantage: a))
      let before = -Float(segmentLength) * 0.3
      changes.append(
        NodeLogprobChange(prompt: v.prompt, node: node, before: before, after: before + 0.1 * a))
    }
    out.append(.advantagesAssigned(AdvantagesAssigned(estimator: "tree", nodes: advantages)))
    let score = Double(rewards.values.map(\.reward).reduce(0, +)) / Double(max(1, rewards.count))
    out.append(
      .trainStep(
        TrainStepFinished(
          step: r + 1,
          metrics: [
            "critic/score/mean": score, "actor/pg_loss": -0.01 * Double(r % 5),
            "actor/pg_clipfrac": 0.02, "actor/ppo_kl": 0.001, "actor/entropy": 0.4,
            "actor/grad_norm": 0.8,
          ], changes: changes)))
  }
}
