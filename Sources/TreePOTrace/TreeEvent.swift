// The one data path: the sampler and trainer emit TreeEvents; the trace file stores them one per
// JSONL line; the explorer's tree store is a reducer over them (live and replay alike).
//
// Tree shape: each prompt has a root node (depth 0, no tokens: the prompt itself). Every other node
// is one segment. A node is spawned (empty), decodes its segment in a round, then either ends
// (finished / stopped / truncated / pruned) or gets children. Node ids are unique within a rollout;
// the events after a `rolloutStarted` belong to that rollout until the next one.

public enum SpawnReason: String, Codable, Sendable, CaseIterable {
  case root, initial, divergence, fallback
}

public enum NodeOutcome: String, Codable, Sendable, CaseIterable {
  /// Reached the answer terminator or EOS; the reward comes from the task's verifier.
  case finished
  /// Stopped early by a quality rule (e.g. repetition); still a trajectory.
  case stopped
  /// Reached the maximum depth or token budget; still a trajectory.
  case truncated
  /// Dropped by a prune rule; stays in the tree but does not count toward n.
  case pruned
}

public struct PromptInfo: Codable, Sendable, Equatable {
  public var index: Int
  public var text: String
  public var tokenIds: [Int]
  public init(index: Int, text: String, tokenIds: [Int]) {
    self.index = index
    self.text = text
    self.tokenIds = tokenIds
  }
}

public struct RolloutStarted: Codable, Sendable, Equatable {
  public var rollout: Int
  public var sampler: String  // "tree" | "flat"
  public var prompts: [PromptInfo]
  /// verl/TreePO-named settings, e.g. "rollout.n": "16", "tree_div_policy": "entropy".
  public var config: [String: String]
  public init(rollout: Int, sampler: String, prompts: [PromptInfo], config: [String: String]) {
    self.rollout = rollout
    self.sampler = sampler
    self.prompts = prompts
    self.config = config
  }
}

public struct NodeSpawned: Codable, Sendable, Equatable {
  public var prompt: Int
  public var node: Int
  public var parent: Int?
  public var depth: Int
  public var reason: SpawnReason
  /// Set on the children of a fork inside a decoded segment (tree_branch_position=max-entropy):
  /// the parent's segment was cut just before its highest-entropy token, and this is that token's
  /// entropy (nats). Absent for every other node, and in traces written before the field existed.
  public var forkEntropy: Float?
  public init(
    prompt: Int, node: Int, parent: Int?, depth: Int, reason: SpawnReason,
    forkEntropy: Float? = nil
  ) {
    self.prompt = prompt
    self.node = node
    self.parent = parent
    self.depth = depth
    self.reason = reason
    self.forkEntropy = forkEntropy
  }
}

public struct SegmentDecoded: Codable, Sendable, Equatable {
  public var prompt: Int
  public var node: Int
  public var tokenIds: [Int]
  public var text: String
  public var logprobs: [Float]
  public var entropies: [Float]
  /// Each token's own text for display, when a token is not one character (byte-level BPE): a
  /// token holding part of a UTF-8 sequence shows those bytes as `\xNN`. Nil for character
  /// vocabularies, whose `text` already lines up with `tokenIds`.
  public var tokenTexts: [String]?
  public init(
    prompt: Int, node: Int, tokenIds: [Int], text: String, logprobs: [Float], entropies: [Float],
    tokenTexts: [String]? = nil
  ) {
    self.prompt = prompt
    self.node = node
    self.tokenIds = tokenIds
    self.text = text
    self.logprobs = logprobs
    self.entropies = entropies
    self.tokenTexts = tokenTexts
  }
}

public struct NodeEnded: Codable, Sendable, Equatable {
  public var prompt: Int
  public var node: Int
  public var outcome: NodeOutcome
  /// Why: "eos", "terminator", "repetition", "max_depth", "max_tokens", "budget", "invalid_prefix"…
  public var reason: String
  public var reward: Float?
  /// The verifier's failure reason when reward is 0 ("format", "bad_operand", "arith", …).
  public var failure: String?
  public init(
    prompt: Int, node: Int, outcome: NodeOutcome, reason: String, reward: Float? = nil,
    failure: String? = nil
  ) {
    self.prompt = prompt
    self.node = node
    self.outcome = outcome
    self.reason = reason
    self.reward = reward
    self.failure = failure
  }
}

public struct FallbackTaken: Codable, Sendable, Equatable {
  public var prompt: Int
  /// The finished leaf that was cut back.
  public var sourceLeaf: Int
  /// The node at the cut (a segment boundary; the root when depth 0) that the new children hang from.
  public var cutNode: Int
  public var cutDepth: Int
  public init(prompt: Int, sourceLeaf: Int, cutNode: Int, cutDepth: Int) {
    self.prompt = prompt
    self.sourceLeaf = sourceLeaf
    self.cutNode = cutNode
    self.cutDepth = cutDepth
  }
}

/// Compute accounting, cumulative over the rollout so far.
public struct RolloutCounters: Codable, Sendable, Equatable {
  /// Tokens that went through a real forward pass (prefill + decode).
  public var decodedTokens: Int = 0
  /// What the same trajectories would have cost sampled flat (each path's full response decoded).
  public var flatEquivalentTokens: Int = 0
  /// Response tokens reused through shared KV pages instead of recomputed.
  public var sharedPrefixTokens: Int = 0
  public var kvPagesInUse: Int = 0
  public var kvPagesPeak: Int = 0
  public var active: Int = 0
  public var finished: Int = 0
  public var stopped: Int = 0
  public var truncated: Int = 0
  public var pruned: Int = 0
  public var fallbacks: Int = 0
  public var elapsedSeconds: Double = 0
  public init() {}
}

public struct RoundFinished: Codable, Sendable, Equatable {
  public var round: Int
  public var counters: RolloutCounters
  /// True when every prompt has its n trajectories (or a hard cap was hit).
  public var done: Bool
  public init(round: Int, counters: RolloutCounters, done: Bool) {
    self.round = round
    self.counters = counters
    self.done = done
  }
}

public struct NodeAdvantage: Codable, Sendable, Equatable {
  public var prompt: Int
  public var node: Int
  /// Displayable advantage of the node (segment-level: its own; leaf-level: token-weighted mean
  /// over the leaves below), after whitening.
  public var advantage: Float
  public init(prompt: Int, node: Int, advantage: Float) {
    self.prompt = prompt
    self.node = node
    self.advantage = advantage
  }
}

public struct AdvantagesAssigned: Codable, Sendable, Equatable {
  public var estimator: String
  public var nodes: [NodeAdvantage]
  public init(estimator: String, nodes: [NodeAdvantage]) {
    self.estimator = estimator
    self.nodes = nodes
  }
}

public struct NodeLogprobChange: Codable, Sendable, Equatable {
  public var prompt: Int
  public var node: Int
  /// Sum of the node's token log-probabilities before and after the update.
  public var before: Float
  public var after: Float
  public init(prompt: Int, node: Int, before: Float, after: Float) {
    self.prompt = prompt
    self.node = node
    self.before = before
    self.after = after
  }
}

public struct TrainStepFinished: Codable, Sendable, Equatable {
  public var step: Int
  /// verl-named metrics: "critic/score/mean", "actor/pg_loss", "actor/pg_clipfrac", …
  public var metrics: [String: Double]
  public var changes: [NodeLogprobChange]
  public init(step: Int, metrics: [String: Double], changes: [NodeLogprobChange] = []) {
    self.step = step
    self.metrics = metrics
    self.changes = changes
  }
}

public struct CheckpointSaved: Codable, Sendable, Equatable {
  public var step: Int
  public var path: String
  public init(step: Int, path: String) {
    self.step = step
    self.path = path
  }
}

public enum TreeEvent: Sendable, Equatable {
  case rolloutStarted(RolloutStarted)
  case nodeSpawned(NodeSpawned)
  case segmentDecoded(SegmentDecoded)
  case nodeEnded(NodeEnded)
  case fallback(FallbackTaken)
  case roundFinished(RoundFinished)
  case advantagesAssigned(AdvantagesAssigned)
  case trainStep(TrainStepFinished)
  case checkpointSaved(CheckpointSaved)

  /// The `kind` field of the event's JSONL line.
  public var kind: String {
    switch self {
    case .rolloutStarted: "rollout_started"
    case .nodeSpawned: "node_spawned"
    case .segmentDecoded: "segment_decoded"
    case .nodeEnded: "node_ended"
    case .fallback: "fallback"
    case .roundFinished: "round_finished"
    case .advantagesAssigned: "advantages_assigned"
    case .trainStep: "train_step"
    case .checkpointSaved: "checkpoint_saved"
    }
  }
}
