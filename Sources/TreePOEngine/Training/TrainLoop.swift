// The `treepo train` loop as a library type: rollout → advantages → update, one step at a time,
// deterministic from (seed, step) so a resumed run takes exactly the step the original would have.
// Checkpoints: `<root>/global_step_N/` holds the HF model folder and `optimizer.safetensors`
// (AdamW moments + step + loop state); `<root>/latest_checkpointed_iteration.txt` names N.

import Foundation

public struct TrainLoopConfig: Sendable, Equatable {
  public var sampler = SamplerKind.tree
  public var rollout = RolloutConfig()
  public var trainer = TrainerConfig()
  /// Training-split prompts per step (`data.train_batch_size`).
  public var promptsPerStep = 8
  /// Problem sizes drawn for training prompts.
  public var sizes: ClosedRange<Int> = 4...4
  /// Seed of the rollouts (each step samples with a seed derived from this and the step).
  public var seed: UInt64 = 0
  /// When set, training prompts cycle through problems 0..<count (a prompt file's questions).
  public var problemCount: Int?
  public init() {}
}

public struct TrainLoopStep: Sendable {
  public var result: TrainStepResult
  /// Every event of the step: the rollout's, then `advantagesAssigned` and `trainStep`.
  public var events: [TreeEvent]
  public var summary: RolloutSummary
}

public final class TrainLoop {
  public let model: Model
  public let tokenizer: any Tokenizer
  /// Saved beside the weights so a checkpoint of a chat model keeps its template.
  public let chatTemplate: String?
  public let task: any ReasoningTask
  public let config: TrainLoopConfig
  public let trainer: PolicyTrainer
  /// Steps taken (applied or skipped); the next step's index.
  public private(set) var step = 0

  /// `task` gives prompts as the model must see them (e.g. through its chat template).
  public init(
    model: Model, tokenizer: any Tokenizer, chatTemplate: String? = nil, task: any ReasoningTask,
    config: TrainLoopConfig
  ) {
    self.model = model
    self.tokenizer = tokenizer
    self.chatTemplate = chatTemplate
    self.task = task
    self.config = config
    // Grows to the longest trajectory (PolicyTrainer.fitGraphs); a real model's context is 8k.
    trainer = PolicyTrainer(
      model: model, config: config.trainer, maxLength: Self.initialGraphLength(config))
  }

  static func initialGraphLength(_ config: TrainLoopConfig) -> Int {
    config.rollout.maxResponseTokens + 32
  }

  /// What a loop with `config` on a model of `model` allocates once its prompts of up to
  /// `longestPrompt` tokens have been sampled and trained on: the model with its decode copy in
  /// `decode`, one step's rollout and the trainer (the rollout's decoder lives through the step).
  public static func memoryPlan(
    _ model: ModelConfig, config: TrainLoopConfig, longestPrompt: Int,
    decode: DecodeWeightFormat
  ) -> MemoryPlan {
    let length = min(model.maxPositions, longestPrompt + config.rollout.maxResponseTokens)
    let graph = PolicyTrainer.graphLength(
      initial: initialGraphLength(config), needed: length - 1, config: model)
    return MemoryPlan.model(model, decode: decode)
      + MemoryPlan.rollout(
        model, prompts: config.promptsPerStep, n: config.rollout.n, length: length)
      + MemoryPlan.trainer(model, trainer: config.trainer, length: graph)
  }

  /// The training prompts of step `step`.
  public func prompts(forStep step: Int) -> [String] {
    Self.prompts(task: task, config: config, step: step)
  }

  /// The training prompts a loop with `config` on `task` samples at `step`.
  public static func prompts(task: any ReasoningTask, config: TrainLoopConfig, step: Int)
    -> [String]
  {
    (0..<config.promptsPerStep).map {
      let index = step * config.promptsPerStep + $0
      return task.problem(
        split: .train, index: config.problemCount.map { index % max($0, 1) } ?? index,
        sizes: config.sizes
      ).prompt
    }
  }

  /// Samples the step's batch with the current weights and trains on it.
  public func runStep(computeChanges: Bool = false) throws -> TrainLoopStep {
    let start = ContinuousClock.now
    var rollout = config.rollout
    rollout.seed = config.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(step)
    let texts = prompts(forStep: step)
    let longest = try texts.map { try tokenizer.encode($0).count }.max() ?? 0
    let decoder = ModelSegmentDecoder(
      model: model, config: rollout, prompts: texts.count, stopTokens: Set(tokenizer.stopIds),
      maxLength: longest + rollout.maxResponseTokens)
    let sampler = try TreeSampler(
      decoder: decoder, task: task, tokenizer: tokenizer, prompts: texts, config: rollout,
      kind: config.sampler, rolloutIndex: step)
    var events: [TreeEvent] = []
    let trajectories = try sampler.run { events.append(contentsOf: $0) }
    let summary = sampler.summary
    let gen = rolloutMetrics(counters: summary.counters, seconds: seconds(since: start))
    var result = trainer.trainStep(
      on: trajectories, rolloutMetrics: gen, computeChanges: computeChanges)
    result.metrics["timing_s/step"] = seconds(since: start)
    result.metrics["training/global_step"] = Double(step + 1)
    let last = result.events.count - 1
    if case .trainStep(var finished) = result.events[last] {
      finished.step = step + 1
      finished.metrics = result.metrics
      result.events[last] = .trainStep(finished)
    }
    events.append(contentsOf: result.events)
    step += 1
    return TrainLoopStep(result: result, events: events, summary: summary)
  }

  /// Writes `root/global_step_N/` (model + optimizer) and `root/latest_checkpointed_iteration.txt`.
  @discardableResult
  public func saveCheckpoint(root: URL) throws -> URL {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let folder = root.appendingPathComponent("global_step_\(step)")
    try ModelFolder.save(model, tokenizer: tokenizer, chatTemplate: chatTemplate, to: folder)
    let state = OptimizerState(
      trainer.optimizer,
      training: [
        "loop_step": "\(step)", "trainer_step": "\(trainer.step)", "seed": "\(config.seed)",
      ])
    try ModelFolder.saveOptimizer(state, to: folder)
    let marker = root.appendingPathComponent(Self.latestFile)
    let temp = root.appendingPathComponent(Self.latestFile + ".tmp-\(getpid())")
    try Data("\(step)\n".utf8).write(to: temp)
    guard rename(temp.path, marker.path) == 0 else {
      throw TrainLoopError(description: "Could not write \(marker.path) (errno \(errno)).")
    }
    return folder
  }

  public static let latestFile = "latest_checkpointed_iteration.txt"

  /// The latest checkpoint folder under `root`, or nil when there is none; a marker that does not
  /// name a step or names a missing folder is an error sentence.
  public static func latestCheckpoint(root: URL) throws -> URL? {
    let marker = root.appendingPathComponent(latestFile)
    guard FileManager.default.fileExists(atPath: marker.path) else { return nil }
    let text = (try? String(contentsOf: marker, encoding: .utf8)) ?? ""
    guard let n = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), n >= 0 else {
      throw TrainLoopError(
        description: "\(marker.path) should hold a step number but holds \"\(text.prefix(40))\".")
    }
    let folder = root.appendingPathComponent("global_step_\(n)")
    guard FileManager.default.fileExists(atPath: folder.path) else {
      throw TrainLoopError(
        description: "\(marker.path) names step \(n) but \(folder.path) does not exist.")
    }
    return folder
  }

  /// Loads the weights and optimizer state of `folder` (a checkpoint written by `saveCheckpoint`)
  /// into this loop, which must have been made for the same model configuration.
  public func resume(from folder: URL) throws {
    let saved = try ModelFolder.loadAny(folder).model
    guard saved.config == model.config else {
      throw TrainLoopError(
        description: "The checkpoint \(folder.path) holds a different model configuration.")
    }
    model.parameters.copy(from: saved.parameters)
    guard
      let state = try ModelFolder.loadOptimizer(folder, parameterCount: model.layout.count)
    else {
      throw TrainLoopError(
        description: "The checkpoint \(folder.path) has no \(ModelFolder.optimizerFile).")
    }
    trainer.optimizer.restore(state)
    step = Int(state.training["loop_step"] ?? "") ?? state.step
    trainer.step = Int(state.training["trainer_step"] ?? "") ?? state.step
  }
}

public struct TrainLoopError: Error, CustomStringConvertible, Sendable {
  public let description: String
}
