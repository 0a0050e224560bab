import Testing
import TreePOEngine

// Decoding and training must see the same model: the decoder's logits (prefill + step by step,
// batched, at different positions) equal the training forward's logits for the same tokens.
@Suite struct DecoderTrainingGraphTests {
  @Test func decodeLogitsEqualTrainingForwardLogits() throws {
    let model = tinyDecoderModel(seed: 11)
    let v = model.config.vocabSize
    let inputs = [[2, 9, 4, 4, 1, 0, 7, 12, 3, 5, 6], [8, 1, 1, 10, 2, 2, 11]]
    let t = 11
    let graph = TrainingGraph(model: model, maxBatch: 2, maxLength: t)
    var tokens = [Int32](repeating: 0, count: 2 * t)
    for (b, input) in inputs.enumerated() {
      for (i, token) in input.enumerated() { tokens[b * t + i] = Int32(token) }
    }
    graph.forward(
      tokens: tokens, targets: tokens, lengths: inputs.map(\.count), batch: 2, length: t)
    func trainingRow(_ b: Int, _ i: Int) -> [Double] {
      (0..<v).map { Double(graph.logits[(b * t + i) * v + $0]) }
    }

    let decoder = DecoderSession(model: model, pages: 16, pageSize: 4, maxBatch: 2)
    let seqs = [decoder.cache.newSequence(), decoder.cache.newSequence()]
    let prompts = [Array(inputs[0][..<5]), Array(inputs[1][..<2])]
    let first = try decoder.prefill(seqs, prompts: prompts)
    for b in 0..<2 {
      #expect(relativeError(first[b], trainingRow(b, prompts[b].count - 1)) <= 1e-4)
    }
    var positions = prompts.map(\.count)
    while positions[1] < inputs[1].count {
      let logits = try decoder.step(
        seqs, tokens: [inputs[0][positions[0]], inputs[1][positions[1]]])
      for b in 0..<2 {
        let error = relativeError(logits[b], trainingRow(b, positions[b]))
        #expect(error <= 1e-4, "sequence \(b) position \(positions[b]): relative error \(error)")
      }
      positions = positions.map { $0 + 1 }
    }
  }
}
