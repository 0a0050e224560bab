// `CompletionSampling` on the real model: each prompt is prefilled once and forked for its
// samples (the forks share the prompt's KV pages), then all running completions advance together,
// one batched decoder step per token, until each samples the stop token or hits its length limit.

public final class ModelCompletionSampler: CompletionSampling {
  public let model: Model
  /// Any of these ends a completion (EOS, end-of-turn…).
  public let stopTokens: Set<Int>
  /// Prompt + completion tokens at most (the cache holds this much per sequence).
  public let maxLength: Int
  let decoder: DecoderSession

  /// `maxBatch` completions decode together; the cache is sized for them and their prompts.
  public convenience init(model: Model, stopToken: Int, maxBatch: Int = 64) {
    self.init(model: model, stopTokens: [stopToken], maxBatch: maxBatch)
  }

  /// `maxLength` (prompt + completion tokens, default the model's context) sizes the KV cache: a
  /// real model's context of thousands would reserve gigabytes for replies of a few dozen tokens.
  /// `maxPrompt` (the longest prompt's tokens, default `maxLength`) sizes the decoder's rows.
  public init(
    model: Model, stopTokens: Set<Int>, maxBatch: Int = 64, maxLength: Int? = nil,
    maxPrompt: Int? = nil
  ) {
    self.model = model
    self.stopTokens = stopTokens
    let pageSize = 16
    let length = min(maxLength ?? model.config.maxPositions, model.config.maxPositions)
    self.maxLength = length
    let pagesPerSequence = (length + pageSize - 1) / pageSize + 1
    decoder = DecoderSession(
      model: model,
      cache: KVCache(
        config: model.config, pageSize: pageSize, capacity: 2 * maxBatch * pagesPerSequence),
      maxBatch: maxBatch,
      maxRows: Self.maxRows(
        maxBatch: maxBatch, prompt: min(maxPrompt ?? length, length), model.config))
  }

  /// Rows of one decoder forward: a chunk's prefill of at most `maxBatch` distinct prompts at once
  /// (one forward, as with the decoder's default of the model's whole context, which for a real
  /// model's 8k context is ≈ 250 MB of activations for prompts of a few dozen tokens), and at
  /// least a step's batch.
  public static func maxRows(maxBatch: Int, prompt: Int, _ config: ModelConfig) -> Int {
    max(maxBatch, min(config.maxPositions, maxBatch * prompt))
  }

  public func complete(
    _ prompts: [[Int]], count: Int, temperature: Float, maxTokens: Int, seed: UInt64
  ) throws -> [[SampledCompletion]] {
    let empty = SampledCompletion(tokens: [], entropies: [])
    var results = prompts.map { _ in [SampledCompletion](repeating: empty, count: count) }
    var sampler = TokenSampler(config: SamplingConfig(temperature: temperature), seed: seed)
    let jobs = prompts.indices.flatMap { p in (0..<count).map { (prompt: p, sample: $0) } }
    var start = 0
    while start < jobs.count {
      let chunk = Array(jobs[start..<min(start + decoder.maxBatch, jobs.count)])
      try run(chunk, prompts: prompts, maxTokens: maxTokens, sampler: &sampler, into: &results)
      start += chunk.count
    }
    return results
  }

  /// Decodes one chunk of (prompt, sample) jobs, at most `maxBatch` of them.
  private func run(
    _ jobs: [(prompt: Int, sample: Int)], prompts: [[Int]], maxTokens: Int,
    sampler: inout TokenSampler, into results: inout [[SampledCompletion]]
  ) throws {
    let cache = decoder.cache
    var distinct: [Int] = []
    for job in jobs where distinct.last != job.prompt { distinct.append(job.prompt) }
    let parents = distinct.map { _ in cache.newSequence() }
    defer { parents.forEach(cache.free) }
    let logits = try decoder.prefill(parents, prompts: distinct.map { prompts[$0] })
    // Every job's first token comes from its prompt's logits, before the next decoder call.
    var seqs: [SequenceID] = []
    defer { seqs.forEach(cache.free) }
    var tokens: [[Int]] = []
    var entropies: [[Float]] = []
    for job in jobs {
      let row = distinct.firstIndex(of: job.prompt)!
      seqs.append(try cache.fork(parents[row]))
      let t = sampler.sample(logits[row])
      tokens.append([t.token])
      entropies.append([t.entropy])
    }
    let limit = maxLength
    func running(_ i: Int) -> Bool {
      !stopTokens.contains(tokens[i].last!) && tokens[i].count < maxTokens
        && prompts[jobs[i].prompt].count + tokens[i].count < limit
    }
    var active = jobs.indices.filter(running)
    while !active.isEmpty {
      let out = try decoder.step(active.map { seqs[$0] }, tokens: active.map { tokens[$0].last! })
      for (row, i) in active.enumerated() {
        let t = sampler.sample(out[row])
        tokens[i].append(t.token)
        entropies[i].append(t.entropy)
      }
      active = active.filter(running)
    }
    for (i, job) in jobs.enumerated() {
      results[job.prompt][job.sample] = SampledCompletion(
        tokens: tokens[i], entropies: entropies[i])
    }
  }
}
