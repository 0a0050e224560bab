import Testing
import TreePOTestSupport

@testable import TreePOEngine

// Decoding with compact weights (bf16, Q8_0) on a tiny random Llama whose widths are multiples of
// 32 (so Q8_0 covers every matrix): it computes exactly the fp32 model whose matrices are the
// stored compact values, it stays within the stated tolerance of the fp32 model, and a copy made
// stale by an update of the masters is re-derived before the next call.
@Suite struct CompactDecodeTests {
  static func model(seed: UInt64 = 5) -> Model {
    let config = ModelConfig(
      vocabSize: 50, hiddenSize: 64, intermediateSize: 96, numLayers: 2, numHeads: 4,
      numKVHeads: 2, maxPositions: 64)
    let model = Model(config: config)
    model.initializeWeights(seed: seed, std: 0.1)
    return model
  }

  static let prompts = [[1, 7, 3, 9, 4, 22, 17], [30, 2, 2, 41]]
  static let steps = [[5, 6], [11, 48], [0, 13], [27, 27], [49, 8], [3, 31]]

  /// Logits [B, V] of the prefill and of every step, flattened per call.
  static func decode(_ model: Model) throws -> [[Float]] {
    let decoder = DecoderSession(
      model: model, cache: KVCache(config: model.config, pageSize: 4, capacity: 16), maxBatch: 2)
    let seqs = prompts.map { _ in decoder.cache.newSequence() }
    let first = try decoder.prefill(seqs, prompts: prompts)
    var calls = [Array(UnsafeBufferPointer(start: first.pointer, count: 2 * first.vocab))]
    for tokens in steps {
      let logits = try decoder.step(seqs, tokens: tokens)
      calls.append(Array(UnsafeBufferPointer(start: logits.pointer, count: 2 * logits.vocab)))
    }
    return calls
  }

  /// A copy of `model` whose decode matrices hold the dequantized compact values.
  static func rounded(_ model: Model) -> Model {
    let copy = Model(config: model.config)
    copy.parameters.copy(from: model.parameters)
    let weights = model.decodeWeights!
    for (offset, rows, columns) in DecodeWeights.decodeMatrices(model.layout) {
      guard let m = weights.matrix(at: offset) else { continue }
      for j in 0..<rows {
        for p in 0..<columns { copy.parameters[offset + j * columns + p] = m.value(j, p) }
      }
    }
    return copy
  }

  @Test(arguments: [DecodeWeightFormat.bf16, .q8])
  func compactDecodeIsTheFP32DecodeOfTheStoredWeights(_ format: DecodeWeightFormat) throws {
    let model = Self.model()
    model.useDecodeWeights(format)
    #expect(model.decodeWeights!.matrices.count == 2 * 4 + 1, "every matrix has a copy")
    let actual = try Self.decode(model)
    let expected = try Self.decode(Self.rounded(model))
    for (i, (a, e)) in zip(actual, expected).enumerated() {
      expectCloseFloats("\(format) call \(i) logits", a, e, tolerance: 1e-5, relative: true)
    }
  }

  /// The stated tolerance: max |Δ logit| ≤ tolerance · max |fp32 logit| on every call (seen on
  /// this model: bf16 0.98%, Q8_0 2.7% — random weights of std 0.1, no trained structure).
  @Test(arguments: [(DecodeWeightFormat.bf16, 2e-2), (.q8, 5e-2)])
  func compactDecodeStaysCloseToFP32(_ setting: (DecodeWeightFormat, Double)) throws {
    let (format, tolerance) = setting
    let expected = try Self.decode(Self.model())
    let model = Self.model()
    model.useDecodeWeights(format)
    let actual = try Self.decode(model)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
      expectCloseFloats("\(format) call \(i) logits", a, e, tolerance: tolerance, relative: true)
    }
  }

  @Test func aStaleCopyIsRefreshedBeforeTheNextCall() throws {
    let model = Self.model()
    model.useDecodeWeights(.bf16)
    _ = try Self.decode(model)
    #expect(model.decodeWeights!.refreshes == 1)
    // An update of every master, as an optimizer step makes, without an explicit refresh.
    for i in 0..<model.parameters.count { model.parameters[i] *= 0.97 }
    let actual = try Self.decode(model)
    #expect(model.decodeWeights!.refreshes == 2)
    let fresh = Model(config: model.config)
    fresh.parameters.copy(from: model.parameters)
    fresh.useDecodeWeights(.bf16)
    let expected = try Self.decode(fresh)
    for (i, (a, e)) in zip(actual, expected).enumerated() {
      expectIdenticalFloats("call \(i) logits after the update", a, e)
    }
    model.refreshDecodeWeights()
    #expect(model.decodeWeights!.refreshes == 3)
    model.useDecodeWeights(.fp32)
    #expect(model.decodeWeights == nil && model.decodeWeightFormat == .fp32)
  }
}
