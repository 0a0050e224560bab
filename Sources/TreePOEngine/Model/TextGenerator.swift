// One prompt continued token by token with the KV cache: what `treepo generate` streams and what
// the real-model golden test compares with transformers' greedy decode.

public final class TextGenerator {
  public let decoder: DecoderSession
  public let stopIds: Set<Int>
  var sampler: TokenSampler

  /// The KV cache holds `maxLength` positions (prompt and completion; at most the context) and
  /// `maxRows` bounds the prefill's activations (a long prompt is split into pieces), so a model
  /// with a long context does not allocate for all of it.
  public init(
    model: Model, stopIds: Set<Int>, sampling: SamplingConfig, seed: UInt64, maxLength: Int,
    threads: Int = 1, maxRows: Int = 256, pageSize: Int = 16
  ) {
    let positions = min(max(maxLength, 1), model.config.maxPositions)
    let pages = (positions + pageSize - 1) / pageSize
    decoder = DecoderSession(
      model: model, cache: KVCache(config: model.config, pageSize: pageSize, capacity: pages),
      maxBatch: 1, maxRows: maxRows, maxThreads: max(threads, 1))
    decoder.threads = threads
    self.stopIds = stopIds
    sampler = TokenSampler(config: sampling, seed: seed)
  }

  /// Continues `prompt` until a stop id (not passed on, not returned), `maxNewTokens` tokens or
  /// the end of the context. `suppress` ids are never chosen (transformers' `min_new_tokens`
  /// masks EOS that way). Calls `onToken` with each new token as soon as it is chosen.
  @discardableResult
  public func run(
    prompt: [Int], maxNewTokens: Int, suppress: Set<Int> = [], onToken: (Int) -> Void = { _ in }
  ) throws -> [Int] {
    let context = decoder.model.config.maxPositions
    guard !prompt.isEmpty else { throw DecoderError("the prompt is empty (no tokens)") }
    guard prompt.count < context else {
      throw DecoderError(
        "the prompt has \(prompt.count) tokens, but the model's context is \(context)")
    }
    let seq = decoder.cache.newSequence()
    defer { decoder.cache.free(seq) }
    var logits = try decoder.prefill(seq, tokens: prompt)
    var masked = [Float]()
    var generated: [Int] = []
    let room = decoder.cache.capacity * decoder.cache.pageSize - prompt.count
    let budget = min(maxNewTokens, context - prompt.count, room)
    while generated.count < budget {
      let token: Int
      if suppress.isEmpty {
        token = sampler.sample(logits).token
      } else {
        masked = Array(logits)
        for id in suppress where id < masked.count { masked[id] = -.infinity }
        token = masked.withUnsafeBufferPointer { sampler.sample($0).token }
      }
      if stopIds.contains(token) { break }
      generated.append(token)
      onToken(token)
      if generated.count == budget { break }
      logits = try decoder.step([seq], tokens: [token])[0]
    }
    return generated
  }
}
