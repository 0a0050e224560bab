import Testing
import TreePOEngine

// A PPO step reports its progress after every micro-batch: phases in order, the fraction of the
// step's work rising to 1, an ETA once work is done. Three micro-batches of four paths each.

@Test func trainStepReportsProgressPerMicroBatch() {
  let config = ModelConfig(
    vocabSize: 11, hiddenSize: 16, intermediateSize: 24, numLayers: 1, numHeads: 2,
    numKVHeads: 1, maxPositions: 32)
  let model = Model(config: config)
  model.initializeWeights(seed: 3, std: 0.3)
  var c = TrainerConfig()
  c.microBatchSize = 4
  let trainer = PolicyTrainer(model: model, config: c, maxLength: 16)
  var seen: [TrainProgress] = []
  trainer.onProgress = { seen.append($0) }
  let batch = (0..<12).map { i in
    Trajectory(
      prompt: i / 4, promptTokens: [1, 2], nodes: [i], segmentLengths: [3],
      responseTokens: [3 + i % 5, 4, 5], samplingLogprobs: [-1, -1, -1], reward: Float(i % 2),
      outcome: .finished)
  }
  let result = trainer.trainStep(on: batch, computeChanges: true)
  #expect(result.skipped == nil)
  // Fused old log-probs: 3 update micro-batches, then 3 forwards for the changes.
  #expect(seen.map(\.phase) == [.update, .update, .update, .after, .after, .after])
  let fractions = seen.map(\.fraction)
  #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 < $1 }, "\(fractions)")
  #expect(abs(fractions.last! - 1) < 1e-9 && abs(fractions[2] - 0.75) < 1e-9, "\(fractions)")
  #expect(seen.allSatisfy { $0.etaSeconds != nil })
  #expect(trainer.onProgress != nil, "the caller's listener stays set")
}
