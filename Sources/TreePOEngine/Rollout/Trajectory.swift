// What a rollout hands to training: one trajectory per counted leaf (finished, stopped or truncated;
// never pruned), with the tree path that produced it so advantages can use the shared prefixes.

public struct Trajectory: Sendable, Equatable {
  /// Index of the prompt in the batch.
  public var prompt: Int
  public var promptTokens: [Int]
  /// Node ids from depth 1 down to the leaf (the root, depth 0, is the prompt and is left out).
  public var nodes: [Int]
  /// Tokens contributed by each node on the path; sums to `responseTokens.count`.
  public var segmentLengths: [Int]
  public var responseTokens: [Int]
  /// Log-probabilities at sampling time (for display; training recomputes old log-probabilities).
  public var samplingLogprobs: [Float]
  public var reward: Float
  public var outcome: NodeOutcome

  public init(
    prompt: Int, promptTokens: [Int], nodes: [Int], segmentLengths: [Int], responseTokens: [Int],
    samplingLogprobs: [Float], reward: Float, outcome: NodeOutcome
  ) {
    self.prompt = prompt
    self.promptTokens = promptTokens
    self.nodes = nodes
    self.segmentLengths = segmentLengths
    self.responseTokens = responseTokens
    self.samplingLogprobs = samplingLogprobs
    self.reward = reward
    self.outcome = outcome
  }
}
