import Testing
import TreePOEngine

// The evaluation sampler's decoder holds rows for its prompts' prefill, not the model's whole
// context, and completes exactly as a decoder of the whole context's rows does.

private let long = ModelConfig(
  vocabSize: 22, hiddenSize: 48, intermediateSize: 64, numLayers: 2, numHeads: 4, numKVHeads: 2,
  maxPositions: 512)

@Test(arguments: DecodeWeightFormat.allCases)
func anEvaluationDecoderHoldsRowsForItsPromptsNotTheWholeContext(
  format: DecodeWeightFormat
) throws {
  let m = Model(config: long)
  m.initializeWeights(seed: 5, std: 0.3)
  m.useDecodeWeights(format)
  // Three prompts of at most 9 tokens, 4 completions at once: forwards of 4 × 9 rows, not 512.
  let prompts = [Array(1...9), Array(3...8), Array(2...10)]
  let narrow = ModelCompletionSampler(
    model: m, stopTokens: [21], maxBatch: 4, maxLength: 9 + 12, maxPrompt: 9)
  let wide = ModelCompletionSampler(model: m, stopTokens: [21], maxBatch: 4, maxLength: 9 + 12)
  let whole = ModelCompletionSampler(model: m, stopTokens: [21], maxBatch: 4)
  let decoder = try #require(Mirror(reflecting: narrow).descendant("decoder") as? DecoderSession)
  #expect(decoder.maxRows == 4 * 9)
  let wholeDecoder = try #require(
    Mirror(reflecting: whole).descendant("decoder") as? DecoderSession)
  #expect(wholeDecoder.maxRows == 512)
  // The activations (every float buffer but the model's and the cache's) grow with the rows:
  // the row-free part (logits, attention scores) is what is left at one row.
  let bytes = floatBufferBytes(decoder, skipping: [m, decoder.cache])
  let wholeBytes = floatBufferBytes(wholeDecoder, skipping: [m, wholeDecoder.cache])
  let c = long.hiddenSize
  let perRow = 4 * (2 * c + (long.qDim + 2 * long.kvDim) + long.qDim + 3 * long.intermediateSize)
  #expect(wholeBytes - bytes == (512 - 36) * perRow)
  #expect(bytes < wholeBytes / 4)
  // Greedy and sampled completions are the same whatever the rows (one prefill forward each).
  for (temperature, count) in [(Float(0), 1), (Float(1), 3)] {
    let a = try narrow.complete(
      prompts, count: count, temperature: temperature, maxTokens: 12, seed: 7)
    for other in [wide, whole] {
      let b = try other.complete(
        prompts, count: count, temperature: temperature, maxTokens: 12, seed: 7)
      #expect(a.map { $0.map(\.tokens) } == b.map { $0.map(\.tokens) })
      #expect(a.map { $0.map(\.entropies) } == b.map { $0.map(\.entropies) })
    }
  }
}
