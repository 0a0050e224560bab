import Testing
import TreePOEngine
import TreePOTestSupport

// Prefills longer than a step (more than 64 rows, 300 here: two blocks of the compact kernels)
// read the compact weights like the steps do: the same numbers as feeding the prompt in
// step-sized pieces, close to (but not) the fp32 numbers, and OpenBLAS on fp32 with
// compactRowLimit 0.

@Suite struct CompactPrefillTests {
  static func model() -> Model {
    let config = ModelConfig(
      vocabSize: 50, hiddenSize: 64, intermediateSize: 96, numLayers: 2, numHeads: 4,
      numKVHeads: 2, maxPositions: 320)
    let model = Model(config: config)
    model.initializeWeights(seed: 9, std: 0.1)
    return model
  }

  static let prompt = (0..<300).map { ($0 * 7 + 3) % 50 }

  /// Logits after the prompt fed in pieces of `piece` positions, then after one more token.
  static func logits(_ model: Model, piece: Int, compactRowLimit: Int = .max) throws -> [[Float]] {
    let decoder = DecoderSession(
      model: model, cache: KVCache(config: model.config, pageSize: 16, capacity: 24), maxBatch: 1,
      maxRows: 512)
    decoder.threads = 2
    decoder.compactRowLimit = compactRowLimit
    let seq = decoder.cache.newSequence()
    var last: [Float] = []
    for start in stride(from: 0, to: prompt.count, by: piece) {
      let tokens = Array(prompt[start..<min(start + piece, prompt.count)])
      last = Array(try decoder.prefill(seq, tokens: tokens))
    }
    return [last, Array(try decoder.step([seq], tokens: [17])[0])]
  }

  @Test(arguments: [DecodeWeightFormat.bf16, .q8])
  func longPrefillsReadTheCompactWeights(format: DecodeWeightFormat) throws {
    let model = Self.model()
    let fp32 = try Self.logits(model, piece: 300)
    model.useDecodeWeights(format)
    let whole = try Self.logits(model, piece: 300)
    let pieces = try Self.logits(model, piece: 60)  // ≤ 64 rows: the step kernels
    for (k, name) in ["prompt", "step"].enumerated() {
      expectIdenticalFloats(
        "\(format) \(name) logits, one call vs 60-row pieces", whole[k], pieces[k])
      let tolerance = format == .bf16 ? 1e-2 : 6e-2
      expectCloseFloats(
        "\(format) \(name) logits vs fp32", whole[k], fp32[k], tolerance: tolerance,
        relative: true)
    }
    #expect(whole[0] != fp32[0], "the prefill read the \(format) copy, not the fp32 weights")
    // With compactRowLimit 0 the prefill is OpenBLAS on fp32 again.
    let blas = try Self.logits(model, piece: 300, compactRowLimit: 0)
    expectCloseFloats("OpenBLAS prefill vs fp32", blas[0], fp32[0], tolerance: 1e-5, relative: true)
  }
}
