import Testing
import TreePOEngine
import TreePOTestSupport

// A hand-made tree on a tiny random model: shared nodes carry identical tokens on every path, as
// the sampler guarantees. Prompt 0: root ─ 1 ─ 2 ─ 4   Prompt 1: root ─ 6 ─ 7
//                                          │   └ 5           └ 8
//                                          └ 3
private let nodeTokens: [Int: [Int]] = [
  1: [3, 4], 2: [5, 6, 7], 3: [8], 4: [9, 2], 5: [4, 4], 6: [1, 2, 3], 7: [5], 8: [6, 7, 8, 9],
]
private func trajectory(_ prompt: Int, _ nodes: [Int], reward: Float) -> Trajectory {
  let tokens = nodes.flatMap { nodeTokens[$0]! }
  return Trajectory(
    prompt: prompt, promptTokens: prompt == 0 ? [1, 2, 3] : [7, 8], nodes: nodes,
    segmentLengths: nodes.map { nodeTokens[$0]!.count }, responseTokens: tokens,
    samplingLogprobs: tokens.map { _ in -1 }, reward: reward, outcome: .finished)
}
private let tree = [
  trajectory(0, [1, 2, 4], reward: 1), trajectory(0, [1, 2, 5], reward: 0),
  trajectory(0, [1, 3], reward: 1), trajectory(1, [6, 7], reward: 0),
  trajectory(1, [6, 8], reward: 1),
]
private let micro = ModelConfig(
  vocabSize: 11, hiddenSize: 16, intermediateSize: 24, numLayers: 2, numHeads: 2, numKVHeads: 1,
  maxPositions: 16)

private func makeModel() -> Model {
  let model = Model(config: micro)
  model.initializeWeights(seed: 7, std: 0.3)
  return model
}

/// Old log-probabilities away from the current ones (so both clips and the dual clip are hit),
/// equal on every path through a shared position, as recomputed ones are.
private func shifted(_ logprobs: [[Float]]) -> [[Float]] {
  logprobs.enumerated().map { row, values in
    values.enumerated().map { j, v in v + [-0.6, 0.4, 0.05, -1.4, 0.3][(j + row) % 5] }
  }
}

/// Each trajectory alone through its own batch-of-one forward, loss terms weighted by the
/// whole batch's token-mean weights: the definition the two trainer modes must match.
private func naiveGradient(
  model: Model, advantages: AdvantageResult, old: [[Float]], reference: [[Float]], config: PPOConfig
) -> [Float] {
  let graph = TrainingGraph(model: model, maxBatch: 1, maxLength: 16)
  graph.zeroGradients()
  let total = tree.reduce(0) { $0 + $1.responseTokens.count }
  for (row, t) in tree.enumerated() {
    let all = (t.promptTokens + t.responseTokens).map { Int32($0) }
    let length = all.count - 1
    graph.forward(
      tokens: Array(all.dropLast()), targets: Array(all.dropFirst()), lengths: [length], batch: 1,
      length: length)
    let positions = t.responseTokens.indices.map { t.promptTokens.count - 1 + $0 }
    var tokens = PPOTokens(
      logprobs: positions.map { graph.targetLogprobs[$0] }, oldLogprobs: old[row],
      advantages: advantages.tokenAdvantages[row],
      entropies: positions.map { graph.entropies[$0] }, refLogprobs: reference[row],
      sequenceLengths: [positions.count])
    tokens.weights = positions.map { _ in 1 / Double(total) }
    let result = ppoLoss(tokens, config: config)
    var dLogprob = [Float](repeating: 0, count: length)
    var dEntropy = [Float](repeating: 0, count: length)
    for (i, p) in positions.enumerated() {
      dLogprob[p] = result.dLogprob[i]
      dEntropy[p] = result.dEntropy?[i] ?? 0
    }
    graph.backward(dLogprob: dLogprob, dEntropy: dEntropy)
  }
  return graph.gradients.array
}

@Test(arguments: PrefixMode.allCases)
func prefixModesGiveTheNaivePerPathGradient(mode: PrefixMode) {
  var config = TrainerConfig()
  config.prefixMode = mode
  config.microBatchSize = 2  // 5 paths in 3 forwards: shared positions cross micro-batches
  config.ppo.klCoef = 0.2
  config.ppo.entropyCoef = 0.05
  let model = makeModel()
  let trainer = PolicyTrainer(model: model, config: config, maxLength: 16)
  let advantages = computeAdvantages(tree, estimator: .tree)
  let current = trainer.responseLogprobs(tree)
  let old = shifted(current)
  let reference = current.map { $0.map { $0 - 0.3 } }
  trainer.gradients.zero()
  let metrics = trainer.accumulatePolicyGradient(
    tree, advantages: advantages, oldLogprobs: old, referenceLogprobs: reference)
  #expect(metrics["actor/pg_clipfrac"]! > 0 && metrics["actor/pg_clipfrac_lower"]! > 0)
  let got = trainer.gradients.array
  let want = naiveGradient(
    model: model, advantages: advantages, old: old, reference: reference, config: config.ppo)
  let scale = want.map { abs($0) }.max()!
  let error = zip(got, want).map { abs($0 - $1) }.max()!
  #expect(scale > 1e-3, "the gradient must not vanish")
  #expect(error <= 1e-4 * scale, "\(mode): max error \(error) against max |g| \(scale)")
}

@Test func sharedModeTrainsEachTreePositionOnce() {
  // Per path: 7 + 7 + 3 + 4 + 7 = 28 terms at 28 positions. Shared: the same 28 terms at 18
  // positions, since node 1 (2 tokens, on 3 paths), node 2 (3 tokens, 2 paths) and node 6
  // (3 tokens, 2 paths) are trained once: 28 − 2·2 − 3 − 3 = 18.
  var config = TrainerConfig()
  config.prefixMode = .shared
  let trainer = PolicyTrainer(model: makeModel(), config: config, maxLength: 16)
  let advantages = computeAdvantages(tree, estimator: .tree)
  let current = trainer.responseLogprobs(tree)
  let metrics = trainer.accumulatePolicyGradient(
    tree, advantages: advantages, oldLogprobs: current)
  #expect(metrics["actor/terms"] == 28)
  #expect(metrics["actor/trained_positions"] == 18)
}

@Test func nonFiniteStepIsSkippedAndWeightsKept() {
  var broken = tree
  broken[2].reward = .nan
  let model = makeModel()
  let before = model.parameters.array
  let trainer = PolicyTrainer(model: model, maxLength: 16)
  let result = trainer.trainStep(on: broken)
  #expect(result.skipped != nil)
  #expect(result.metrics["actor/skipped"] == 1)
  expectIdenticalFloats("parameters after a skipped step", model.parameters.array, before)
  #expect(trainer.step == 0 && trainer.optimizer.step == 0)
  // A good batch afterwards trains normally.
  let good = trainer.trainStep(on: tree)
  #expect(good.skipped == nil && trainer.step == 1)
  #expect(
    !compareFloats("parameters", model.parameters.array, before).matches,
    "a good step changes the weights")
}

@Test func trainStepReportsEventsAndMovesLogprobsTheWayOfTheAdvantage() {
  var config = TrainerConfig()
  config.learningRate = 1e-2
  let trainer = PolicyTrainer(model: makeModel(), config: config, maxLength: 16)
  let result = trainer.trainStep(on: tree)
  #expect(result.skipped == nil)
  guard case .advantagesAssigned(let assigned) = result.events[0],
    case .trainStep(let finished) = result.events[1]
  else {
    Issue.record("expected advantagesAssigned then trainStep, got \(result.events)")
    return
  }
  #expect(assigned.nodes == result.advantages.nodes && assigned.estimator == "tree")
  #expect(finished.step == 1 && finished.changes.count == 8)
  for key in [
    "actor/pg_loss", "actor/pg_clipfrac", "actor/ppo_kl", "actor/entropy", "actor/grad_norm",
    "actor/lr", "critic/score/mean", "critic/advantages/max", "response_length/mean",
    "frac_reward_zero_std", "timing_s/update_actor",
  ] {
    #expect(finished.metrics[key] != nil, "missing metric \(key)")
  }
  // The leaves with the largest and smallest advantages move up and down respectively.
  let byNode = Dictionary(uniqueKeysWithValues: result.changes.map { ($0.node, $0) })
  let best = result.advantages.nodes.filter { [4, 3, 8].contains($0.node) }.max {
    $0.advantage < $1.advantage
  }!
  let worst = result.advantages.nodes.filter { [5, 7].contains($0.node) }.min {
    $0.advantage < $1.advantage
  }!
  #expect(byNode[best.node]!.after > byNode[best.node]!.before)
  #expect(byNode[worst.node]!.after < byNode[worst.node]!.before)
}
