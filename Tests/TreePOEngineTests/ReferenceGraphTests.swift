import Testing
import TreePOEngine
import TreePOTestSupport

// The KL loss's reference policy on the bundled model: its numbers are pinned by golden values
// recorded before the reference got its forward-only graph, so the lighter graph is known to
// compute the same KL.

/// Countdown problems of the training split with their reference solution and two wrong
/// continuations each, one node per path.
private func trajectories(_ tokenizer: CharTokenizer) throws -> [Trajectory] {
  let task = CountdownTask()
  var out: [Trajectory] = []
  for p in 0..<3 {
    let problem = task.problem(split: .train, index: p, size: 4)
    let prompt = try tokenizer.encode(problem.prompt)
    let right = try tokenizer.encode(problem.reference)
    for (k, response) in [right, Array(right.reversed()), Array(right.prefix(7))].enumerated() {
      out.append(
        Trajectory(
          prompt: p, promptTokens: prompt, nodes: [out.count + 1],
          segmentLengths: [response.count], responseTokens: response,
          samplingLogprobs: response.map { _ in -1 }, reward: k == 0 ? 1 : 0,
          outcome: .finished))
    }
  }
  return out
}

@Test func klOnTheBundledModelMatchesTheGoldenValues() throws {
  let (model, tokenizer) = try BundledModel.load()
  var config = TrainerConfig()
  config.ppo.klCoef = 0.1
  config.learningRate = 3e-3
  config.microBatchSize = 4
  config.estimator = .grpo
  let trainer = PolicyTrainer(model: model, config: config, maxLength: 64)
  let batch = try trajectories(tokenizer)
  var got: [Double] = []
  for _ in 0..<3 {
    let result = trainer.trainStep(on: batch, computeChanges: false)
    #expect(result.skipped == nil)
    got += ["actor/kl_loss", "actor/loss", "actor/pg_loss"].map { result.metrics[$0]! }
  }
  // Recorded at 03bd4c2 (reference = a full TrainingGraph with gradients), OpenBLAS Haswell
  // kernels. Other core types sum in another order: up to 8.1e-6 apart (2.5e-6 of the largest)
  // after two updates (SkylakeX, Cooperlake, Prescott, 2026-12-02); a wrong reference is O(1) off.
  let golden = [
    0.0, -0.20081712888634706, -0.20081712888634706,
    2.513832403892655, 0.05056611150291848, -0.20081712888634706,
    3.252134437910575, 0.12439631490471052, -0.20081712888634706,
  ]
  let comparison = compareFloats("kl_loss, loss, pg_loss per step", got, golden)
  print("KL vs golden: max difference \(comparison.maxDifference)")
  #expect(got[3] > 0.1, "the second step's KL must not vanish: \(got[3])")
  expectCloseFloats("kl_loss, loss, pg_loss per step", got, golden, tolerance: 2e-5, relative: true)
}

@Test func aForwardOnlyGraphHoldsNoGradientsAndComputesTheSameForward() throws {
  let (model, _) = try BundledModel.load()
  var config = TrainerConfig()
  config.ppo.klCoef = 0.1
  config.microBatchSize = 2
  let trainer = PolicyTrainer(model: model, config: config, maxLength: 24)
  let reference = try #require(trainer.referenceGraph)
  #expect(reference.forwardOnly && reference.gradients.count == 0)
  let full = TrainingGraph(model: model, maxBatch: 2, maxLength: 24)
  // One layer set instead of four, and no backward scratch.
  #expect(reference.activationCount * 3 < full.activationCount)
  let tokens = (0..<48).map { Int32(($0 * 5 + 3) % 21) }
  let targets = (0..<48).map { Int32(($0 * 7 + 1) % 21) }
  for graph in [reference, full] {
    graph.forward(tokens: tokens, targets: targets, lengths: [24, 17], batch: 2, length: 24)
  }
  expectIdenticalFloats(
    "target log-probs", UnsafeBufferPointer(start: reference.targetLogprobs, count: 48),
    UnsafeBufferPointer(start: full.targetLogprobs, count: 48))
  expectIdenticalFloats(
    "entropies", UnsafeBufferPointer(start: reference.entropies, count: 48),
    UnsafeBufferPointer(start: full.entropies, count: 48))
}
