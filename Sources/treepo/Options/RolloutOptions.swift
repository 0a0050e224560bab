// The rollout settings shared by explore, sample, bench rollout and train.

import ArgumentParser
import TreePOEngine

/// The rollout settings under their verl / TreePO names, shared by `sample` and `bench rollout`.
struct RolloutOptions: ParsableArguments {
  @Option(name: .customLong("n"), help: "rollout.n: trajectories per prompt.")
  var n = 16
  // Optional underneath so that the explorer can tell a flag given from its default (text models
  // get longer segments there, see `config(text:)`).
  @Option(
    name: .customLong("tree-max-token-per-step"),
    help: "tree_max_token_per_step: tokens per segment (default 6; explorer on text: 16).")
  var treeMaxTokenPerStepArgument: Int?
  @Option(
    name: .customLong("tree-max-depth"),
    help: "tree_max_depth: segments per path at most (default 16; explorer on text: 8).")
  var treeMaxDepthArgument: Int?
  @Option(
    name: .customLong("response-length"),
    help: "response_length: response tokens per path at most (default 96; explorer on text: 128).")
  var responseLengthArgument: Int?

  var treeMaxTokenPerStep: Int { treeMaxTokenPerStepArgument ?? 6 }
  var treeMaxDepth: Int { treeMaxDepthArgument ?? 16 }
  var responseLength: Int { responseLengthArgument ?? 96 }

  /// The live explorer's shape for a model that writes text (byte-level BPE): 16-token segments,
  /// 8 deep (docs/explorer.md has the measurement). A flag given on the command line still wins.
  static let textShape = (segment: 16, depth: 8, response: 128)
  @Option(help: "tree_fixed_step_div (w): children of the root and of a branching path.")
  var treeFixedStepDiv = 2
  @Option(help: "Random first divergence in [w, this] per prompt (default: always w).")
  var treeMaxInitialDiv: Int?
  @Option(help: "tree_div_policy: fixed | logprob | entropy | entropy-gated | branch-entropy.")
  var treeDivPolicy = DivergencePolicy.entropy
  @Option(help: "tree_div_temperature: τ of the logprob / entropy softmax.")
  var treeDivTemperature: Float = 1
  @Option(help: "entropy-gated: branch when the last segment's mean entropy (nats) reaches this.")
  var treeDivEntropyThreshold: Float = 0.25
  @Option(help: "entropy-gated: also branch the round's top fraction of paths (0 = off).")
  var treeDivEntropyTopFrac: Float = 0
  @Option(help: "tree_segment_boundary: fixed | step (end at the task's step; the length caps).")
  var treeSegmentBoundary = SegmentBoundary.fixed
  @Flag(help: "tree_distinct_siblings: siblings' first tokens drawn without replacement.")
  var treeDistinctSiblings = false
  @Option(help: "tree_branch_position: end | max-entropy (fork at the most uncertain token).")
  var treeBranchPosition = BranchPosition.end
  @Option(help: "tree_fallback_policy: random | none.")
  var treeFallbackPolicy = FallbackPolicy.random
  @Option(help: "tree_fallback_cut: uniform | entropy (where a fallback cuts its leaf back to).")
  var treeFallbackCut = FallbackCut.uniform
  @Flag(help: "One fallback per round instead of filling every missing trajectory at once.")
  var noTreeFallbackFill = false
  @Option(help: "Hard cap on fallbacks per prompt.")
  var treeMaxFallbacks = 64
  @Option(help: "Repetition rule: stop | prune | off.")
  var repetition = RepetitionAction.stop
  @Flag(help: "Prune paths the task says can no longer be correct (invalid_prefix).")
  var pruneInvalidPrefix = false
  @Flag(help: "Keep paths beyond the width instead of pruning the lowest-scoring (budget).")
  var noPruneBudget = false
  @Option(help: "Hard cap on tokens through the model per rollout.")
  var maxTotalTokens: Int?
  @Option(help: "Sampling temperature (0 = greedy).")
  var temperature: Float = 1
  @Option(help: "Nucleus sampling mass (1 = off).")
  var topP: Float = 1
  @Option(help: "Top-k sampling (0 = off).")
  var topK = 0
  @Option(help: "Seed of the rollout (token draws, first divergence, fallbacks).")
  var seed: UInt64 = 0

  /// `config` with the text shape for the settings not given on the command line.
  func config(text: Bool) -> RolloutConfig {
    var c = config
    guard text else { return c }
    c.segmentLength = treeMaxTokenPerStepArgument ?? Self.textShape.segment
    c.maxDepth = treeMaxDepthArgument ?? Self.textShape.depth
    c.maxResponseTokens = responseLengthArgument ?? Self.textShape.response
    return c
  }

  var config: RolloutConfig {
    var c = RolloutConfig()
    c.n = n
    c.segmentLength = treeMaxTokenPerStep
    c.maxDepth = treeMaxDepth
    c.maxResponseTokens = responseLength
    c.divergence = treeFixedStepDiv
    c.maxInitialDivergence = treeMaxInitialDiv
    c.divergencePolicy = treeDivPolicy
    c.divergenceTemperature = treeDivTemperature
    c.entropyThreshold = treeDivEntropyThreshold
    c.entropyTopFraction = treeDivEntropyTopFrac
    c.fallbackPolicy = treeFallbackPolicy
    c.segmentBoundary = treeSegmentBoundary
    c.distinctSiblings = treeDistinctSiblings
    c.branchPosition = treeBranchPosition
    c.maxFallbacksPerPrompt = treeMaxFallbacks
    c.fallbackFill = !noTreeFallbackFill
    c.fallbackCut = treeFallbackCut
    c.repetition = repetition
    c.pruneInvalidPrefix = pruneInvalidPrefix
    c.pruneBudget = !noPruneBudget
    c.maxTotalTokens = maxTotalTokens
    c.temperature = temperature
    c.topP = topP
    c.topK = topK
    c.seed = seed
    return c
  }

  /// The engine's check, told under the flag's name: "--n -3: rollout.n is -3; it must be …".
  func validate() throws {
    do { try config.validate() } catch {
      guard let setting = error.setting else { throw ValidationError(error.description) }
      throw ValidationError("\(Self.flag(of: setting)): \(error.description).")
    }
  }

  /// The command-line flag of a verl / TreePO setting name.
  static func flag(of setting: String) -> String {
    switch setting {
    case "rollout.n": "--n"
    case "top_p": "--top-p"
    case "top_k": "--top-k"
    default: "--" + setting.replacingOccurrences(of: "_", with: "-")
    }
  }
}

extension DivergencePolicy: ExpressibleByArgument {}
extension FallbackPolicy: ExpressibleByArgument {}
extension RepetitionAction: ExpressibleByArgument {}
extension FallbackCut: ExpressibleByArgument {}
extension SamplerKind: ExpressibleByArgument {}
extension SegmentBoundary: ExpressibleByArgument {}
extension BranchPosition: ExpressibleByArgument {}
