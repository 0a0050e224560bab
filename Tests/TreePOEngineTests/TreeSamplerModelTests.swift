import Testing
import TreePOEngine

// The samplers on the real engine: a tiny random Llama, the paged KV cache and the token sampler.

enum TinyModel {
  static let tokenizer = CharTokenizer()

  static func model(seed: UInt64 = 1, maxPositions: Int = 48) -> Model {
    let config = ModelConfig(
      vocabSize: tokenizer.vocabSize, hiddenSize: 32, intermediateSize: 64, numLayers: 2,
      numHeads: 4, numKVHeads: 2, maxPositions: maxPositions)
    let m = Model(config: config)
    // A large std makes the distribution peaked enough that `$` comes up now and then.
    m.initializeWeights(seed: seed, std: 0.3)
    return m
  }

  static func decoder(_ model: Model, seed: UInt64 = 1, pages: Int = 512) -> ModelSegmentDecoder {
    ModelSegmentDecoder(
      decoder: DecoderSession(model: model, pages: pages, pageSize: 4, maxBatch: 8),
      sampling: SamplingConfig(temperature: 1), seed: seed, stopTokens: [tokenizer.eosId])
  }

  /// Logits [V] after `tokens`, computed from scratch in a fresh cache.
  static func recompute(_ model: Model, _ tokens: [Int]) throws -> [Float] {
    let fresh = DecoderSession(model: model, pages: 64, pageSize: 4, maxBatch: 8)
    let seq = fresh.cache.newSequence()
    return Array(try fresh.prefill(seq, tokens: tokens))
  }

  static func maxRelativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = max(b.map(abs).max() ?? 1, 1e-6)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
  }
}

@Suite struct TreeSamplerModelTests {
  @Test func forkedAndCutPathsMatchARecompute() throws {
    let model = TinyModel.model()
    let d = TinyModel.decoder(model)
    let prompt = try TinyModel.tokenizer.encode("3 1 4>5:")
    let root = try d.prefill([prompt])[0]
    let a = try d.fork(root)
    // Segments of 5 (page size 4: the fork point lands inside a shared page).
    _ = try d.decodeSegments([SegmentRequest(path: a, maxTokens: 5)])
    let b = try d.fork(a)
    let c = try d.fork(a)
    // b and c diverge from the shared prefix (different draws), writing into the shared page.
    _ = try d.decodeSegments([
      SegmentRequest(path: b, maxTokens: 6), SegmentRequest(path: c, maxTokens: 7),
    ])
    var compared = 0
    for p in [a, b, c] {
      let tokens = try #require(d.tokens(of: p))
      guard tokens.last != TinyModel.tokenizer.eosId else { continue }
      compared += 1
      let err = TinyModel.maxRelativeError(
        try #require(d.pendingLogits(of: p)), try TinyModel.recompute(model, tokens))
      #expect(err <= 1e-4, "\(p) with \(tokens.count) tokens: relative error \(err)")
    }
    #expect(compared >= 2, "the seed lets most paths run on")
    #expect(d.tokens(of: b) != d.tokens(of: c), "the forks took different draws")
    // A cut back to a boundary continues exactly as a prompt of that prefix would.
    let bTokens = try #require(d.tokens(of: b))
    for length in [1, prompt.count, prompt.count + 3, bTokens.count - 1] {
      let cut = try d.fork(b, keepingFirst: length)
      let err = TinyModel.maxRelativeError(
        try #require(d.pendingLogits(of: cut)),
        try TinyModel.recompute(model, Array(bTokens.prefix(length))))
      #expect(err <= 1e-4, "cut at \(length): relative error \(err)")
      d.free(cut)
    }
    for p in [root, a, b, c] { d.free(p) }
    #expect(d.pagesInUse == 0)
    #expect(throws: SegmentDecodingError.self) { try d.fork(b) }
  }

  @Test func theTreeSamplerRunsOnTheModelAndFreesEverything() throws {
    let model = TinyModel.model()
    var config = RolloutConfig()
    config.n = 6
    config.segmentLength = 4
    config.maxDepth = 8
    config.maxResponseTokens = 30
    config.seed = 3
    for kind in SamplerKind.allCases {
      let d = TinyModel.decoder(model, seed: 3)
      let sampler = try TreeSampler(
        decoder: d, task: ToyTask(), tokenizer: TinyModel.tokenizer,
        prompts: ["1 2>", "7>", "3 3 3>"], config: config, kind: kind)
      var events: [TreeEvent] = []
      try sampler.run { events += $0 }
      #expect(sampler.trajectories.count == 18, "\(kind)")
      #expect(d.livePaths == 0 && d.pagesInUse == 0, "\(kind): every page back in the pool")
      let counters = try #require(RolloutFixtures.lastCounters(events))
      #expect(counters.decodedTokens == d.forwardedPositions)
      #expect(counters.kvPagesPeak > 0)
      if kind == .flat { #expect(counters.decodedTokens == counters.flatEquivalentTokens) }
      // Sampling log-probabilities come from the model: each is log softmax(logits)[token].
      for t in sampler.trajectories {
        #expect(t.samplingLogprobs.allSatisfy { $0 <= 0 && $0.isFinite })
      }
    }
  }

  @Test func aSeedDeterminesTheModelRollout() throws {
    let model = TinyModel.model()
    func run() throws -> [Trajectory] {
      var config = RolloutConfig()
      config.n = 4
      config.segmentLength = 3
      config.maxResponseTokens = 20
      let sampler = try TreeSampler(
        decoder: TinyModel.decoder(model, seed: 9), task: ToyTask(), tokenizer: TinyModel.tokenizer,
        prompts: ["2 5>"], config: config)
      return try sampler.run()
    }
    #expect(try run() == (try run()))
  }
}
