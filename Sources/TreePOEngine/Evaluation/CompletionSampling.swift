// What evaluation (and pre-training's periodic check) needs from a decoding engine: complete each
// prompt `count` times. Kept this small so the evaluator's bookkeeping is tested with a scripted
// stand-in, and runs for real on the model through `ModelCompletionSampler`.

public struct SampledCompletion: Sendable, Equatable {
  /// The sampled tokens, ending with the stop token when one came before the length limit.
  public var tokens: [Int]
  /// Entropy (nats) of the sampling distribution at each sampled token.
  public var entropies: [Float]
  public init(tokens: [Int], entropies: [Float]) {
    self.tokens = tokens
    self.entropies = entropies
  }
}

public protocol CompletionSampling: AnyObject {
  /// For each prompt, `count` completions at `temperature` (0 = greedy), each at most `maxTokens`
  /// long or ending at the stop token; `seed` makes the draws reproducible.
  func complete(
    _ prompts: [[Int]], count: Int, temperature: Float, maxTokens: Int, seed: UInt64
  ) throws -> [[SampledCompletion]]
}
