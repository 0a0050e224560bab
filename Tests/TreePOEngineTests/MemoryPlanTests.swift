import Testing
import TreePOEngine

// MemoryPlan's parts against what the code allocates: the real objects are built for small models
// and every float buffer reachable from them (found by reflection, so a buffer added later is
// seen without anyone listing it) is summed per part. The compact decode copy, held in raw
// allocations, is measured by its matrices' sizes.

/// Bytes of every FloatBuffer reachable from `value` through stored properties, each buffer and
/// object once, not entering `skipping`.
func floatBufferBytes(_ value: Any, skipping: [AnyObject] = []) -> Int {
  var seen = Set(skipping.map(ObjectIdentifier.init))
  func visit(_ v: Any) -> Int {
    if let buffer = v as? FloatBuffer {
      return seen.insert(ObjectIdentifier(buffer)).inserted ? 4 * buffer.count : 0
    }
    let mirror = Mirror(reflecting: v)
    if mirror.displayStyle == .class, !seen.insert(ObjectIdentifier(v as AnyObject)).inserted {
      return 0
    }
    var sum = 0
    var level: Mirror? = mirror
    while let m = level {
      for child in m.children { sum += visit(child.value) }
      level = m.superclassMirror
    }
    return sum
  }
  return visit(value)
}

/// q/k/v and gate/up have 48 input columns (not a Q8_0 block multiple: they stay fp32 under
/// q8_0), down has 64 (compact).
private let config = ModelConfig(
  vocabSize: 22, hiddenSize: 48, intermediateSize: 64, numLayers: 2, numHeads: 4, numKVHeads: 2,
  maxPositions: 40)

private func model() -> Model {
  let m = Model(config: config)
  m.initializeWeights(seed: 5, std: 0.3)
  return m
}

/// `count` trajectories of `prompt` + `response` tokens over two prompts.
private func trajectories(count: Int, prompt: Int, response: Int) -> [Trajectory] {
  (0..<count).map { i in
    let tokens = (0..<response).map { (i * 7 + $0 * 3) % 20 + 1 }
    return Trajectory(
      prompt: i % 2, promptTokens: (0..<prompt).map { ($0 + i % 2) % 20 + 1 }, nodes: [i + 1],
      segmentLengths: [response], responseTokens: tokens,
      samplingLogprobs: tokens.map { _ in -1 }, reward: Float(i % 2), outcome: .finished)
  }
}

@Test(arguments: DecodeWeightFormat.allCases)
func modelPartsAreTheModelsBuffers(format: DecodeWeightFormat) {
  let m = model()
  m.useDecodeWeights(format)
  let plan = MemoryPlan.model(config, decode: format)
  #expect(plan[.weights] == floatBufferBytes(m), "weights and RoPE table")
  #expect(plan[.decodeCopy] == (m.decodeWeights?.byteCount ?? 0), "\(format) copy")
  #expect((plan[.decodeCopy] > 0) == (format != .fp32))
  #expect(plan.total == plan[.weights] + plan[.decodeCopy])
}

@Test(arguments: [0.0, 0.1])
func trainerPartsAreTheTrainersBuffers(klCoef: Double) throws {
  let m = model()
  var trainerConfig = TrainerConfig()
  trainerConfig.ppo.klCoef = klCoef
  trainerConfig.microBatchSize = 3
  let trainer = PolicyTrainer(model: m, config: trainerConfig, maxLength: 16)
  // 24 positions a row: the graphs grow from 16 to 32 positions (PolicyTrainer.fitGraphs).
  let batch = trajectories(count: 4, prompt: 9, response: 16)
  #expect(trainer.trainStep(on: batch, computeChanges: false).skipped == nil)
  let length = PolicyTrainer.graphLength(initial: 16, needed: 24, config: config)
  #expect(length == 32)
  let plan = MemoryPlan.trainer(config, trainer: trainerConfig, length: length)

  let graph = try #require(Mirror(reflecting: trainer).descendant("graph") as? TrainingGraph)
  #expect(graph.maxLength == length && graph.maxBatch == 3)
  #expect(plan[.gradients] == floatBufferBytes(trainer.gradients))
  #expect(plan[.optimizer] == floatBufferBytes(trainer.optimizer))
  #expect(plan[.trainingGraph] == floatBufferBytes(graph, skipping: [m, graph.gradients]))
  #expect(plan[.undoCopy] == 0, "one update per step keeps no undo copy")
  if let reference = trainer.referenceGraph {
    #expect(plan[.referenceWeights] == floatBufferBytes(reference.model))
    #expect(plan[.referenceGraph] == floatBufferBytes(reference, skipping: [reference.model]))
    #expect(reference.gradients.count == 0 && reference.forwardOnly)
  } else {
    #expect(plan[.referenceWeights] == 0 && plan[.referenceGraph] == 0)
  }
  // Nothing the trainer holds is outside the parts.
  #expect(plan.total == floatBufferBytes(trainer, skipping: [m]), "\(plan.summary)")
}

@Test func severalUpdatesPerStepPlanTheUndoCopy() {
  var trainerConfig = TrainerConfig()
  trainerConfig.miniBatches = 2
  let plan = MemoryPlan.trainer(config, trainer: trainerConfig, length: 8)
  // Snapshot: parameters and AdamW's two moments.
  #expect(plan[.undoCopy] == 3 * floatBufferBytes(model().parameters))
}

@Test func rolloutPartsAreTheDecodersBuffers() throws {
  let m = model()
  var rollout = RolloutConfig()
  rollout.n = 4
  rollout.segmentLength = 3
  rollout.maxResponseTokens = 9
  rollout.seed = 2
  let tokenizer = CharTokenizer()
  let prompts = (0..<3).map { CountdownTask().problem(split: .train, index: $0, size: 2).prompt }
  let length = try prompts.map { try tokenizer.encode($0).count }.max()! + rollout.maxResponseTokens
  let decoder = ModelSegmentDecoder(
    model: m, config: rollout, prompts: prompts.count, stopTokens: [tokenizer.eosId],
    maxLength: length)
  let plan = MemoryPlan.rollout(config, prompts: prompts.count, n: rollout.n, length: length)
  let session = decoder.decoder
  #expect(plan[.kvCache] == floatBufferBytes(session.cache))
  #expect(plan[.decoderActivations] == floatBufferBytes(session, skipping: [m, session.cache]))
  // Pending logits are an upper bound: at most n + 2 paths per prompt are alive at once.
  let sampler = try TreeSampler(
    decoder: decoder, task: CountdownTask(), tokenizer: tokenizer, prompts: prompts,
    config: rollout)
  var most = 0
  try sampler.run { _ in most = max(most, decoder.livePaths) }
  #expect(most > prompts.count && 4 * most * config.vocabSize <= plan[.pendingLogits])
}

@Test func trainLoopPlanIsWhatTheLoopHoldsAfterAStep() throws {
  let m = model()
  m.useDecodeWeights(.bf16)
  var loop = TrainLoopConfig()
  loop.rollout.n = 4
  loop.rollout.segmentLength = 3
  loop.rollout.maxResponseTokens = 6
  loop.promptsPerStep = 2
  loop.trainer.microBatchSize = 4
  loop.trainer.ppo.klCoef = 0.05
  let tokenizer = CharTokenizer()
  let task = CountdownTask()
  let trainLoop = TrainLoop(model: m, tokenizer: tokenizer, task: task, config: loop)
  let longest = try TrainLoop.prompts(task: task, config: loop, step: 0).map {
    try tokenizer.encode($0).count
  }.max()!
  _ = try trainLoop.runStep()
  let plan = TrainLoop.memoryPlan(config, config: loop, longestPrompt: longest, decode: .bf16)
  let trainer = trainLoop.trainer
  #expect(plan[.decodeCopy] == m.decodeWeights!.byteCount)
  #expect(plan[.weights] == floatBufferBytes(m))
  let trainerParts: [MemoryPlan.Part] = [
    .gradients, .optimizer, .trainingGraph, .referenceWeights, .referenceGraph,
  ]
  #expect(
    trainerParts.map { plan[$0] }.reduce(0, +) == floatBufferBytes(trainer, skipping: [m]),
    "\(plan.summary)")
  #expect(plan[.kvCache] > 0 && plan[.decoderActivations] > 0)
}

@Test func aRolloutDecoderHoldsRowsForItsPromptsNotTheWholeContext() throws {
  // A long context (512) and short paths (20): forwards of 2 × 20 rows, not 512.
  let long = ModelConfig(
    vocabSize: 22, hiddenSize: 48, intermediateSize: 64, numLayers: 2, numHeads: 4, numKVHeads: 2,
    maxPositions: 512)
  let m = Model(config: long)
  m.initializeWeights(seed: 5, std: 0.3)
  var rollout = RolloutConfig()
  rollout.n = 4
  let decoder = ModelSegmentDecoder(
    model: m, config: rollout, prompts: 2, stopTokens: [21], maxLength: 20)
  #expect(decoder.decoder.maxRows == 40)
  let plan = MemoryPlan.rollout(long, prompts: 2, n: 4, length: 20)
  let session = decoder.decoder
  #expect(plan[.decoderActivations] == floatBufferBytes(session, skipping: [m, session.cache]))
  // Both prompts' prefill is still one forward: the same logits as a decoder of 512 rows.
  let wide = ModelSegmentDecoder(
    decoder: DecoderSession(model: m, pages: 64, maxBatch: 8), sampling: SamplingConfig(),
    seed: 1, stopTokens: [21])
  let prompts = [Array(1...19), Array(3...20)]
  let a = try decoder.prefill(prompts)
  let b = try wide.prefill(prompts)
  for (x, y) in zip(a, b) {
    #expect(decoder.pendingLogits(of: x) == wide.pendingLogits(of: y))
  }
}
