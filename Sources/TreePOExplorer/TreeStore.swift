import TreePOTrace

// What the events say so far, as plain values: rollouts → prompts → nodes, plus training history.
// `TreeStore+Apply.swift` is the reducer; nothing else mutates a store. Live mode and replay feed
// the same reducer, so they cannot drift apart.

/// How a node looks in the tree (derived from its events).
public enum NodeStatus: Sendable, Equatable {
  /// The prompt itself (depth 0).
  case root
  /// Spawned; its segment is not decoded yet.
  case waiting
  /// Decoded and still growing (no outcome, no children).
  case active
  /// Decoded and split into children.
  case branched
  case finished(correct: Bool)
  case stopped, truncated, pruned
}

public struct TreeNode: Sendable, Equatable {
  public let id: Int
  public let parent: Int?
  public let depth: Int
  public let reason: SpawnReason
  public var children: [Int] = []
  public var tokenIds: [Int] = []
  public var text = ""
  /// Each token's own text when tokens are not characters (byte-level BPE), else nil.
  public var tokenTexts: [String]?
  public var logprobs: [Float] = []
  public var entropies: [Float] = []
  /// The round in which the segment was decoded (nil before).
  public var decodedInRound: Int?
  public var outcome: NodeOutcome?
  public var endReason: String?
  public var reward: Float?
  public var failure: String?
  public var advantage: Float?
  /// Sum of the node's token log-probabilities before/after the last train step.
  public var logprobBefore: Float?
  public var logprobAfter: Float?
  /// Times a fallback cut a finished leaf back to this node and branched from it.
  public var fallbackCuts = 0
  /// The entropies summed in order as they arrive (kept by the reducer): the same Float as
  /// summing `entropies` afresh, without walking thousands of tokens per node per frame.
  public internal(set) var entropySum: Float = 0
  /// Children spawned at a fork inside this node's segment as decoded (its segment ends at the
  /// branch token; tree_branch_position=max-entropy): the row marks the branch point.
  public var midSegmentForks = 0

  public init(id: Int, parent: Int?, depth: Int, reason: SpawnReason) {
    self.id = id
    self.parent = parent
    self.depth = depth
    self.reason = reason
  }

  public var status: NodeStatus {
    switch outcome {
    case .finished: return .finished(correct: (reward ?? 0) > 0)
    case .stopped: return .stopped
    case .truncated: return .truncated
    case .pruned: return .pruned
    case nil:
      if reason == .root { return .root }
      if !children.isEmpty { return .branched }
      return decodedInRound == nil ? .waiting : .active
    }
  }

  public var meanEntropy: Float? {
    entropies.isEmpty ? nil : entropies.reduce(0, +) / Float(entropies.count)
  }
  /// `meanEntropy` from the kept sum (equal to it for nodes the reducer built).
  public var keptMeanEntropy: Float? {
    entropies.isEmpty ? nil : entropySum / Float(entropies.count)
  }
  public var sumLogprob: Float? { logprobs.isEmpty ? nil : logprobs.reduce(0, +) }

  /// The text of each token, for the token table and per-token colours: the trace's token texts,
  /// or the characters of the text when they line up with the tokens (a character vocabulary).
  public var tokenDisplayTexts: [String]? {
    if let tokenTexts, tokenTexts.count == tokenIds.count { return tokenTexts }
    let characters = text.map(String.init)
    return characters.count == tokenIds.count ? characters : nil
  }
}

public struct PromptTree: Sendable, Equatable {
  public var info: PromptInfo
  public var root: Int?
  public var nodes: [Int: TreeNode] = [:]

  public init(info: PromptInfo) { self.info = info }

  /// Kept by the reducer as events land (`TreeStore+Apply.swift`), so a frame that shows it costs
  /// nothing per node; `recountedTally` is the same thing counted over the nodes. Code that edits
  /// `nodes` directly, not through the reducer, leaves it as it was.
  public internal(set) var tally = Tally()

  public struct Tally: Sendable, Equatable {
    public var finished = 0, correct = 0, active = 0, pruned = 0, stopped = 0, truncated = 0
    /// Finite rewards summed in Double (exact for rewards as traces write them, so adding and
    /// taking back a node's reward leaves no rounding behind), and the non-finite ones counted.
    var finiteRewards: Double = 0
    var nanRewards = 0, plusInfinities = 0, minusInfinities = 0
    /// Leaves that count toward n.
    public var trajectories: Int { finished + stopped + truncated }
    public var rewardSum: Float {
      if nanRewards > 0 || (plusInfinities > 0 && minusInfinities > 0) { return .nan }
      if plusInfinities > 0 { return .infinity }
      if minusInfinities > 0 { return -.infinity }
      return Float(finiteRewards)
    }
    public var meanReward: Float? { trajectories == 0 ? nil : rewardSum / Float(trajectories) }

    /// Counts `node` in (`sign` 1) or takes it back out (`sign` -1).
    mutating func count(_ node: TreeNode, _ sign: Int) {
      switch node.status {
      case .finished(let isCorrect):
        finished += sign
        if isCorrect { correct += sign }
      case .active, .waiting: active += sign
      case .pruned: pruned += sign
      case .stopped: stopped += sign
      case .truncated: truncated += sign
      case .root, .branched: break
      }
      guard node.outcome != nil, node.outcome != .pruned else { return }
      let reward = node.reward ?? 0
      if reward.isNaN {
        nanRewards += sign
      } else if reward == .infinity {
        plusInfinities += sign
      } else if reward == -.infinity {
        minusInfinities += sign
      } else {
        finiteRewards += Double(reward) * Double(sign)
      }
    }
  }

  /// The tally counted afresh over every node (what `tally` keeps; tests compare the two).
  public var recountedTally: Tally {
    var t = Tally()
    for i in nodes.values.indices { t.count(nodes.values[i], 1) }
    return t
  }

  /// Adds a node (its id not in use yet), keeping the tally.
  mutating func insert(_ node: TreeNode) {
    nodes[node.id] = node
    tally.count(node, 1)
  }

  /// Changes node `id` in place, keeping the tally; false when there is no such node.
  mutating func update(_ id: Int, _ change: (inout TreeNode) -> Void) -> Bool {
    guard let i = nodes.index(forKey: id) else { return false }
    tally.count(nodes.values[i], -1)
    change(&nodes.values[i])
    tally.count(nodes.values[i], 1)
    return true
  }

  /// Node ids from the root down to `id` (both included).
  public func path(to id: Int) -> [Int] {
    var out: [Int] = []
    var cursor: Int? = id
    // Bounded by the node count, so a parent loop in a damaged trace cannot hang the explorer.
    while let c = cursor, let node = nodes[c], out.count <= nodes.count {
      out.append(c)
      cursor = node.parent
    }
    return out.reversed()
  }
}

public struct RolloutState: Sendable, Equatable {
  public var rollout: Int
  public var sampler: String
  public var config: [String: String]
  public var prompts: [PromptTree]
  public var counters = RolloutCounters()
  /// The last finished round (nil before the first).
  public var round: Int?
  public var done = false
  public var estimator: String?

  public init(_ started: RolloutStarted) {
    rollout = started.rollout
    sampler = started.sampler
    config = started.config
    prompts = started.prompts.map(PromptTree.init(info:))
  }

  /// Position in `prompts` of the prompt with batch index `index`.
  public func position(ofPrompt index: Int) -> Int? {
    if index >= 0, index < prompts.count, prompts[index].info.index == index { return index }
    return prompts.firstIndex { $0.info.index == index }
  }
}

public struct TreeStore: Sendable, Equatable {
  public var rollouts: [RolloutState] = []
  public var trainSteps: [TrainStepFinished] = []
  public var checkpoints: [CheckpointSaved] = []
  /// Events applied so far.
  public var eventCount = 0
  /// Events that referred to a rollout, prompt or node the store has not seen, or that would give
  /// a second node an id already in use (kept out, counted).
  public var orphanEvents = 0

  public init() {}

  public var current: RolloutState? { rollouts.last }
}
