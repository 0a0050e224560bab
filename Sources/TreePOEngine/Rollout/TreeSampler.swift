// The TreePO tree sampler, driven round by round (see docs/algorithm.md, "Rollout").
//
// Each prompt is a tree: the root (depth 0) is the prompt, every other node one segment. A round
// decodes one segment for every pending node of every prompt in one batched decode, then applies,
// per prompt: the stop rules, the prune rules, the width budget and divergence policy (children of
// the surviving paths), and the fallback when no path is left but trajectories are still missing.
// Children fork their parent's path in the decoder, so shared prefixes live once in the KV cache.
// The flat sampler is the same machine with n initial children and one child per path per round.

public enum SamplerKind: String, Sendable, CaseIterable, Codable {
  case tree, flat
}

public final class TreeSampler {
  public let config: RolloutConfig
  public let kind: SamplerKind
  /// Index of this rollout in its session (the `rollout` field of `RolloutStarted`).
  public let rolloutIndex: Int
  public let task: any ReasoningTask
  public let tokenizer: any Tokenizer
  let decoder: any SegmentDecoding
  /// Tokens a segment ends after (tree_segment_boundary=step); empty for fixed segments.
  let boundaryTokens: Set<Int>

  struct Node {
    var id: Int
    var prompt: Int
    var parent: Int?
    var depth: Int
    var reason: SpawnReason
    /// Siblings spawned together at one branch point share this (tree_distinct_siblings).
    var siblingGroup: Int? = nil
    /// The continuation node cut off this node's segment at a fork inside it (max-entropy).
    var splitTail: Int? = nil
    /// Response tokens on the path before this node.
    var responseStart: Int
    /// Response positions fed through the model on the path before this node.
    var fedBefore: Int
    /// Sum of the response's log-probabilities before this node.
    var logprobBefore: Double
    var tokens: [Int] = []
    var logprobs: [Float] = []
    var entropies: [Float] = []
    var fed = 0
    var decoded = false
    var outcome: NodeOutcome? = nil
    var reward: Float? = nil
    var failure: String? = nil
    var children: [Int] = []

    var responseEnd: Int { responseStart + tokens.count }
    var fedEnd: Int { fedBefore + fed }
    var logprobEnd: Double { logprobBefore + logprobs.reduce(0) { $0 + Double($1) } }
  }

  struct PromptState {
    var text: String
    var tokens: [Int]
    var root: Int
    /// First divergence of this prompt (w, or random in [w, w_max]).
    var firstDivergence = 0
    /// Spawned nodes waiting for their segment.
    var pending: [Int] = []
    /// Counted trajectories (finished, stopped, truncated leaves) in the order they ended.
    var leaves: [Int] = []
    var fallbacks = 0
    var done = false
    /// Why the prompt ended with fewer than n trajectories, if it did.
    var shortfall: String? = nil
  }

  var nodes: [Node] = []
  var prompts: [PromptState] = []
  /// Live decoder paths by node: pending nodes, retained leaves (fallback sources) and roots.
  var paths: [Int: PathID] = [:]
  /// This round's forks at the branch token (tree_branch_position=max-entropy): survivor → the
  /// offset of its highest-entropy token in its segment.
  var roundForks: [Int: Int] = [:]
  /// This round's cuts at branch tokens, made together once every prompt has settled
  /// (`makeRoundCuts`): (the cut, the children that share it).
  var roundCuts: [(cut: Cut, children: [Int])] = []
  var rng: SeededRandom
  var started = false
  public internal(set) var round = 0
  var counters = RolloutCounters()
  var forwardedAtStart = 0
  /// Engine time spent in `begin` and `step` calls that have returned: the explorer calls `step`
  /// on a key press, so wall time since the start would count the user's pauses.
  var busySeconds = 0.0
  /// When the `begin` or `step` under way started (nil between calls).
  var callStart: ContinuousClock.Instant? = nil
  /// Set when the token cap stopped the rollout early.
  public internal(set) var tokenCapHit = false

  /// Prompts are texts in the task's format (e.g. `6 6 9 0 7>8:`); throws a sentence naming the
  /// bad setting or prompt.
  public init(
    decoder: any SegmentDecoding, task: any ReasoningTask, tokenizer: any Tokenizer,
    prompts: [String], config: RolloutConfig, kind: SamplerKind = .tree, rolloutIndex: Int = 0
  ) throws {
    try config.validate()
    guard !prompts.isEmpty else { throw RolloutConfigError(description: "no prompts to sample") }
    self.decoder = decoder
    self.task = task
    self.tokenizer = tokenizer
    self.config = config
    self.kind = kind
    self.rolloutIndex = rolloutIndex
    rng = SeededRandom(seed: config.seed ^ 0x7EE9_0000_0000_0001)
    if config.segmentBoundary == .step && kind == .tree {
      boundaryTokens = task.stepBoundary.tokens(of: tokenizer)
      guard !boundaryTokens.isEmpty else {
        throw RolloutConfigError(
          description: "tree_segment_boundary is step, but the task \(task.name) declares no step "
            + "boundary among the tokenizer's tokens",
          setting: "tree_segment_boundary")
      }
    } else {
      boundaryTokens = []
    }
    for (i, text) in prompts.enumerated() {
      let tokens: [Int]
      do { tokens = try tokenizer.encode(text) } catch {
        throw RolloutConfigError(description: "prompt \(i) (\"\(text)\"): \(error.description)")
      }
      guard !tokens.isEmpty, tokens.count < decoder.maxPositions else {
        throw RolloutConfigError(
          description: "prompt \(i) (\"\(text)\") has \(tokens.count) tokens; the model holds "
            + "\(decoder.maxPositions) positions, so it must have 1 to \(decoder.maxPositions - 1)")
      }
      self.prompts.append(PromptState(text: text, tokens: tokens, root: -1))
    }
  }

  /// Every prompt has its trajectories (or a hard cap ended it).
  public var isDone: Bool { started && prompts.allSatisfy(\.done) }

  /// The configuration as recorded in traces (adds the sampler kind).
  public var configDictionary: [String: String] {
    var d = config.dictionary
    if kind == .flat {
      // The tree-only settings do not apply to the flat baseline.
      for key in d.keys where key.hasPrefix("tree_") || key.hasPrefix("prune_") { d[key] = nil }
      d["tree_max_token_per_step"] = "\(config.segmentLength)"
      d["tree_max_depth"] = "\(config.maxDepth)"
    }
    return d
  }

  /// Response tokens from the root down to and including `node`.
  func responseTokens(_ node: Int) -> [Int] {
    var chain: [Int] = []
    var id: Int? = node
    while let i = id, nodes[i].depth > 0 {
      chain.append(i)
      id = nodes[i].parent
    }
    var out: [Int] = []
    out.reserveCapacity(nodes[node].responseEnd)
    for i in chain.reversed() { out += nodes[i].tokens }
    return out
  }

  /// Node ids from depth 1 down to `node`.
  func pathNodes(_ node: Int) -> [Int] {
    var chain: [Int] = []
    var id: Int? = node
    while let i = id, nodes[i].depth > 0 {
      chain.append(i)
      id = nodes[i].parent
    }
    return chain.reversed()
  }

  /// Most response tokens a path of `prompt` may hold (the setting, or what the model can hold).
  func responseLimit(_ prompt: Int) -> Int {
    min(config.maxResponseTokens, decoder.maxPositions - prompts[prompt].tokens.count)
  }
}
