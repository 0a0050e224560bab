import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

@Test func pretrainBatchMasksPromptAndPadding() {
  let b = PretrainBatch(sequences: [([1, 2, 3], [4, 5]), ([6, 7], [8, 9, 10, 11])])
  #expect(b.batch == 2 && b.length == 5 && b.lengths == [4, 5])
  #expect(b.tokens == [1, 2, 3, 4, 0, 6, 7, 8, 9, 10])
  #expect(b.targets == [2, 3, 4, 5, 0, 7, 8, 9, 10, 11])
  // 6 completion tokens; only targets that are completion tokens carry −1/6.
  let w: Float = -1 / 6
  #expect(b.dLogprob == [0, 0, w, w, 0, 0, w, w, w, w])
  #expect(b.completionTokens == 6 && b.positions == 9)
}

private func microConfig(steps: Int, seed: UInt64 = 1) -> PretrainConfig {
  let model = ModelConfig(
    vocabSize: CharTokenizer().vocabSize, hiddenSize: 32, intermediateSize: 64, numLayers: 2,
    numHeads: 4, numKVHeads: 2, maxPositions: 40, eosTokenId: CharTokenizer().eosId)
  return PretrainConfig(
    model: model, sizes: 3...3, batchSize: 8, totalSteps: steps, warmupSteps: 5,
    learningRate: 1e-2, seed: seed)
}

@Test func pretrainingLowersTheCompletionLoss() throws {
  let trainer = try Pretrainer(config: microConfig(steps: 60))
  var losses: [Float] = []
  for _ in 0..<60 { losses.append(try trainer.trainStep().loss) }
  let first = losses.prefix(5).reduce(0, +) / 5
  let last = losses.suffix(5).reduce(0, +) / 5
  // ln 22 ≈ 3.09 at the start; the pools and results are learnable, so it must fall well below.
  #expect(first > 2.5, "first losses \(losses.prefix(5))")
  #expect(last < 0.6 * first, "loss went from \(first) to \(last)")
  let report = try trainer.evaluate(
    EvaluationConfig(sizes: [3], problemsPerSize: 8, samples: 2, maxTokens: 30))
  #expect(report.bySize.count == 1 && report.bySize[0].problems == 8)
  #expect(report.tokensByClass["first_operand"] ?? 0 >= 16)  // every sample starts with one
}

@Test func pretrainResumeContinuesExactly() throws {
  let out = FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-pretrain-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  defer { try? FileManager.default.removeItem(at: out) }
  let a = try Pretrainer(config: microConfig(steps: 6))
  for _ in 0..<3 { try a.trainStep() }
  try a.saveCheckpoint(in: out)
  for _ in 0..<3 { try a.trainStep() }
  let b = try Pretrainer.resume(from: out)
  #expect(b.step == 3 && b.config == a.config)
  for _ in 0..<3 { try b.trainStep() }
  expectIdenticalFloats("resumed parameters", b.model.parameters.array, a.model.parameters.array)
  // Saving again swaps the checkpoint whole; no partial folder is left behind.
  try b.saveCheckpoint(in: out)
  let entries = try FileManager.default.contentsOfDirectory(atPath: out.path)
  #expect(entries == ["checkpoint"])
  #expect(try Pretrainer.resume(from: out).step == 6)
}

@Test func pretrainRejectsATooShortContext() throws {
  var config = microConfig(steps: 1)
  config.maxSize = 6
  #expect(throws: PretrainError.self) { try Pretrainer(config: config) }
  do {
    _ = try Pretrainer(config: config)
  } catch {
    #expect("\(error)".contains("max_position_embeddings 40"))
  }
  let missing = URL(fileURLWithPath: "/nonexistent/treepo-run")
  #expect(
    throws: PretrainError("there is no checkpoint to resume in /nonexistent/treepo-run/checkpoint")
  ) {
    try Pretrainer.resume(from: missing)
  }
}
