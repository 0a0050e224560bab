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

  public struct Tally: Sendable, Equatable {
    public var finished = 0, correct = 0, active = 0, pruned = 0, stopped = 0, truncated = 0
    public var rewardSum: Float = 0
    /// Leaves that count toward n.
    public var trajectories: Int { finished + stopped + truncated }
    public var meanReward: Float? { trajectories == 0 ? nil : rewardSum / Float(trajectories) }
  }

  public var tally: Tally {
    var t = Tally()
    for node in nodes.values {
      switch node.status {
      case .finished(let correct):
        t.finished += 1
        if correct { t.correct += 1 }
      case .active, .waiting: t.active += 1
      case .pruned: t.pruned += 1
      case .stopped: t.stopped += 1
      case .truncated: t.truncated += 1
      case .root, .branched: break
      }
      if node.outcome != nil, node.outcome != .pruned { t.rewardSum += node.reward ?? 0 }
    }
    return t
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
