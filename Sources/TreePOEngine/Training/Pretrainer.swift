// Supervised pre-training from scratch on generated reference traces: the loop behind
// `treepo pretrain`. Step s trains on training-split problems s·B ..< (s+1)·B of size
// `config.size(atStep: s)`, so the data is a pure function of the step and resuming is exact.

import Foundation

public struct PretrainStepResult: Sendable {
  public var step: Int
  public var loss: Float
  public var learningRate: Float
  public var gradientNorm: Float
  /// Positions fed through the model (padding excluded).
  public var positions: Int
  public var completionTokens: Int
}

public final class Pretrainer {
  public private(set) var config: PretrainConfig
  public let model: Model
  public let tokenizer: CharTokenizer
  public let task: any ReasoningTask
  /// Steps done so far (the next step to run).
  public private(set) var step: Int
  let graph: TrainingGraph
  let optimizer: AdamW
  private var sampler: ModelCompletionSampler?

  /// A fresh run: weights drawn from `config.seed`.
  public convenience init(config: PretrainConfig) throws {
    let model = Model(config: config.model)
    model.initializeWeights(seed: config.seed)
    try self.init(config: config, model: model, tokenizer: CharTokenizer(), step: 0)
  }

  init(config: PretrainConfig, model: Model, tokenizer: CharTokenizer, step: Int) throws {
    self.config = config
    self.model = model
    self.tokenizer = tokenizer
    self.task = try TaskCatalog.task(named: config.task)
    self.step = step
    guard tokenizer.vocabSize <= config.model.vocabSize else {
      throw PretrainError(
        "the model's vocab_size \(config.model.vocabSize) is smaller than "
          + "the task vocabulary (\(tokenizer.vocabSize) tokens)")
    }
    let longest = Self.longestInput(task: task, tokenizer: tokenizer, sizes: config.sizes)
    guard longest <= config.model.maxPositions else {
      throw PretrainError(
        "\(config.task) traces of size \(config.maxSize) need \(longest) "
          + "positions but the model has max_position_embeddings \(config.model.maxPositions)")
    }
    graph = TrainingGraph(model: model, maxBatch: config.batchSize, maxLength: longest)
    optimizer = AdamW(
      layout: model.layout, learningRate: config.learningRate, weightDecay: config.weightDecay)
    optimizer.step = step
  }

  /// The most input positions any trace of these sizes needs (prompt + completion − 1).
  static func longestInput(
    task: any ReasoningTask, tokenizer: CharTokenizer, sizes: ClosedRange<Int>
  )
    -> Int
  {
    var longest = 1
    for size in sizes {
      for index in 0..<32 {
        let p = task.problem(split: .train, index: index, size: size)
        longest = max(longest, p.prompt.count + p.reference.count - 1)
      }
    }
    return longest
  }

  /// Changes the run's length (the cosine then ends there), e.g. when a time budget is calibrated.
  public func setTotalSteps(_ total: Int) { config.totalSteps = max(total, step, 1) }

  /// The batch of `step`.
  public func batch(at step: Int) throws -> PretrainBatch {
    let size = config.size(atStep: step)
    let sequences = try (0..<config.batchSize).map { i in
      let p = task.problem(split: .train, index: step * config.batchSize + i, size: size)
      return (try tokenizer.encode(p.prompt), try tokenizer.encode(p.reference))
    }
    return PretrainBatch(sequences: sequences)
  }

  /// One AdamW step on the batch of the current step. A non-finite loss or gradient norm leaves the
  /// weights and the optimizer as they were (the step still counts; the caller decides to stop).
  @discardableResult
  public func trainStep() throws -> PretrainStepResult {
    let b = try batch(at: step)
    graph.zeroGradients()
    graph.forward(
      tokens: b.tokens, targets: b.targets, lengths: b.lengths, batch: b.batch, length: b.length)
    var loss: Double = 0
    for i in 0..<(b.batch * b.length) where b.dLogprob[i] != 0 {
      loss -= Double(graph.targetLogprobs[i])
    }
    loss /= Double(b.completionTokens)
    graph.backward(dLogprob: b.dLogprob)
    let norm = clipGradientNorm(graph.gradients, maxNorm: config.gradientClip)
    let lr = config.schedule.learningRate(at: step)
    if loss.isFinite && norm.isFinite {
      optimizer.step(parameters: model.parameters, gradients: graph.gradients, learningRate: lr)
    }
    let result = PretrainStepResult(
      step: step, loss: Float(loss), learningRate: lr, gradientNorm: norm, positions: b.positions,
      completionTokens: b.completionTokens)
    step += 1
    return result
  }

  /// Held-out evaluation of the current weights (greedy only when `samples` is 0).
  public func evaluate(_ evaluation: EvaluationConfig) throws -> EvaluationReport {
    if sampler == nil {
      sampler = ModelCompletionSampler(model: model, stopToken: tokenizer.eosId)
    }
    return try Evaluator(task: task, tokenizer: tokenizer, sampler: sampler!).run(evaluation)
  }
}

public struct PretrainError: Error, Equatable, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
