import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

/// An easy task for a tiny random model: reward 1 when the completion starts with a digit
/// (about half the vocabulary), so a few PPO steps can visibly raise the reward.
private struct FirstDigitTask: ReasoningTask {
  var name: String { "first-digit" }
  func problem(split: Split, index: Int, size: Int) -> Problem {
    Problem(prompt: "\(index % 10)>", reference: "1$", size: size)
  }
  func verify(prompt: String, completion: String) -> Verdict {
    completion.first?.isNumber == true ? .correct : .wrong(.format)
  }
  func isViablePrefix(prompt: String, partial: String) -> Bool { true }
}

private func makeLoop(seed: UInt64 = 3) -> TrainLoop {
  let tokenizer = CharTokenizer()
  let config = ModelConfig(
    vocabSize: tokenizer.vocabSize, hiddenSize: 16, intermediateSize: 32, numLayers: 1,
    numHeads: 2, numKVHeads: 1, maxPositions: 16)
  let model = Model(config: config)
  model.initializeWeights(seed: 11, std: 0.02)
  var loop = TrainLoopConfig()
  loop.rollout.n = 8
  loop.rollout.segmentLength = 2
  loop.rollout.maxResponseTokens = 4
  loop.rollout.maxDepth = 2
  loop.promptsPerStep = 4
  loop.trainer.learningRate = 3e-2
  loop.trainer.microBatchSize = 32
  loop.seed = seed
  return TrainLoop(model: model, tokenizer: tokenizer, task: FirstDigitTask(), config: loop)
}

@Test func shortSeededTrainingRunRaisesReward() throws {
  let loop = makeLoop()
  var scores: [Double] = []
  for _ in 0..<12 {
    let step = try loop.runStep()
    #expect(step.result.skipped == nil)
    scores.append(step.result.metrics["critic/score/mean"]!)
  }
  let first = scores.prefix(3).reduce(0, +) / 3
  let last = scores.suffix(3).reduce(0, +) / 3
  #expect(last > first + 0.25, "reward per step: \(scores)")
}

@Test func resumingFromACheckpointTakesTheSameNextStep() throws {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent(
    "treepo-resume-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  defer { try? FileManager.default.removeItem(at: root) }
  let original = makeLoop()
  _ = try original.runStep()
  _ = try original.runStep()
  let folder = try original.saveCheckpoint(root: root)
  #expect(folder.lastPathComponent == "global_step_2")
  #expect(try TrainLoop.latestCheckpoint(root: root)?.path == folder.path)
  let next = try original.runStep()

  let resumed = makeLoop()  // fresh weights, replaced by the checkpoint's
  try resumed.resume(from: folder)
  #expect(
    resumed.step == 2 && resumed.trainer.optimizer.step == original.trainer.optimizer.step - 1)
  let again = try resumed.runStep()
  #expect(again.result.metrics["critic/score/mean"] == next.result.metrics["critic/score/mean"])
  #expect(again.result.metrics["actor/pg_loss"] == next.result.metrics["actor/pg_loss"])
  expectIdenticalFloats(
    "resumed parameters", resumed.model.parameters.array, original.model.parameters.array)
}

@Test func aDamagedCheckpointMarkerIsOneSentence() throws {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent(
    "treepo-marker-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: root) }
  #expect(try TrainLoop.latestCheckpoint(root: root) == nil)
  let marker = root.appendingPathComponent(TrainLoop.latestFile)
  try Data("seven\n".utf8).write(to: marker)
  #expect(throws: TrainLoopError.self) { try TrainLoop.latestCheckpoint(root: root) }
  try Data("7\n".utf8).write(to: marker)
  do {
    _ = try TrainLoop.latestCheckpoint(root: root)
    Issue.record("a marker naming a missing folder must fail")
  } catch {
    #expect("\(error)".contains("global_step_7 does not exist"))
  }
}
