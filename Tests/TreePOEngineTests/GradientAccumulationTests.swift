import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// Gradient accumulation over micro-batches must give the full batch's update: each micro-batch's
// loss terms carry the whole mini-batch's aggregation weights, so the sum over micro-batches is the
// full-batch gradient up to float summation order. A tiny model with what SmolLM2 and Qwen2 have
// (tied embeddings, q/k/v biases, grouped KV heads) on ragged trees of 3 prompts × 4 paths, where
// shared prefixes fall in different micro-batches. Tolerance: 1e-5 of the largest |gradient|
// (fp32 sums of a few hundred terms in another order).

private let config = ModelConfig(
  vocabSize: 97, hiddenSize: 24, intermediateSize: 40, numLayers: 2, numHeads: 4, numKVHeads: 2,
  maxPositions: 64, tieWordEmbeddings: true, attentionBias: true)

private func makeModel() -> Model {
  let model = Model(config: config)
  model.initializeWeights(seed: 5, std: 0.2)
  return model
}

/// Per prompt: root → a → {b → {c, d}, e → {f, g}}; node lengths and tokens from a seed.
private func forest() -> [Trajectory] {
  var rng = SeededRandom(seed: 17)
  var trajectories: [Trajectory] = []
  for prompt in 0..<3 {
    let promptTokens = (0..<(3 + prompt * 2)).map { _ in Int(rng.next() % 97) }
    var nodeTokens: [Int: [Int]] = [:]
    for node in 1...7 {
      nodeTokens[node] = (0..<(1 + Int(rng.next() % 5))).map { _ in Int(rng.next() % 97) }
    }
    for (leaf, path) in [[1, 2, 3], [1, 2, 4], [1, 5, 6], [1, 5, 7]].enumerated() {
      let tokens = path.flatMap { nodeTokens[$0]! }
      trajectories.append(
        Trajectory(
          prompt: prompt, promptTokens: promptTokens, nodes: path,
          segmentLengths: path.map { nodeTokens[$0]!.count }, responseTokens: tokens,
          samplingLogprobs: tokens.map { _ in -2 }, reward: Float((leaf + prompt) % 2),
          outcome: .finished))
    }
  }
  return trajectories
}

private func accumulatedGradient(microBatch: Int, mode: PrefixMode) -> [Float] {
  var c = TrainerConfig()
  c.microBatchSize = microBatch
  c.prefixMode = mode
  c.ppo.entropyCoef = 0.01
  let trainer = PolicyTrainer(model: makeModel(), config: c, maxLength: 32)
  let batch = forest()
  let current = trainer.responseLogprobs(batch)
  // Old log-probabilities off the current ones, so clipped and unclipped terms both occur.
  let old = current.enumerated().map { row, values in
    values.enumerated().map { j, v in v + [0.5, -0.4, 0.02, -0.9][(row + j) % 4] }
  }
  trainer.gradients.zero()
  _ = trainer.accumulatePolicyGradient(
    batch, advantages: computeAdvantages(batch, estimator: .tree), oldLogprobs: old)
  return trainer.gradients.array
}

@Test(arguments: PrefixMode.allCases)
func accumulatedMicroBatchesGiveTheFullBatchGradient(mode: PrefixMode) {
  let full = accumulatedGradient(microBatch: 12, mode: mode)
  let scale = full.map { abs($0) }.max()!
  #expect(scale > 1e-3, "the gradient must not vanish")
  for micro in [1, 2, 5] {
    let accumulated = accumulatedGradient(microBatch: micro, mode: mode)
    let comparison = compareFloats(
      "\(mode) gradient, micro-batch \(micro) vs 12", accumulated, full,
      tolerance: 1e-5 * Double(scale))
    print(
      "gradient accumulation \(mode), micro-batch \(micro) of 12: max |diff| "
        + "\(comparison.maxDifference), max |g| \(scale), tolerance \(1e-5 * scale)")
    #expect(comparison.matches, "\(comparison)")
  }
}

/// One optimizer update per step takes the old log-probabilities from the update's own forward;
/// the separate recompute pass must give the same weights.
@Test func oldLogprobsFromTheUpdateForwardGiveTheSameStep() {
  var results: [[Float]] = []
  for fused in [true, false] {
    var c = TrainerConfig()
    c.microBatchSize = 5
    c.miniBatches = 1
    c.learningRate = 1e-2
    c.oldLogprobsFromUpdate = fused
    let model = makeModel()
    let trainer = PolicyTrainer(model: model, config: c, maxLength: 32)
    let result = trainer.trainStep(on: forest(), computeChanges: false)
    #expect(result.skipped == nil)
    #expect(result.metrics["actor/pg_clipfrac"] == 0, "old = current: the ratio is 1")
    results.append(model.parameters.array)
  }
  let comparison = compareFloats("weights after the step", results[0], results[1], tolerance: 1e-6)
  #expect(comparison.matches, "\(comparison)")
}
