// What a live engine session runs with. Built on the engine thread (by the factory given to
// EngineSession), so the model, cache and decoder never cross threads.

public struct EngineParts {
  public var decoder: any SegmentDecoding
  public var task: any ReasoningTask
  public var tokenizer: any Tokenizer
  public var config: RolloutConfig
  public var sampler: SamplerKind
  /// The prompts of batch `k` (0, 1, 2, …).
  public var prompts: (_ batch: Int) -> [String]
  /// One PPO update on a finished rollout's trajectories, returning its events
  /// (`advantagesAssigned`, `trainStep`, …) and reporting its progress as it goes. Nil until
  /// training is wired in: the train command then reports that training is not available
  /// instead of inventing metrics.
  public var train: TrainHook?
  public typealias TrainHook = (
    _ sampler: TreeSampler, _ step: Int, _ progress: @escaping (TrainProgress) -> Void
  ) throws -> [TreeEvent]
  /// Writes the current weights after `step` train steps and returns where; nil when this
  /// session cannot save (the save command then says so).
  public var saveWeights: ((_ step: Int) throws -> String)?

  public init(
    decoder: any SegmentDecoding, task: any ReasoningTask, tokenizer: any Tokenizer,
    config: RolloutConfig, sampler: SamplerKind = .tree,
    prompts: @escaping (_ batch: Int) -> [String],
    train: TrainHook? = nil,
    saveWeights: ((_ step: Int) throws -> String)? = nil
  ) {
    self.saveWeights = saveWeights
    self.decoder = decoder
    self.task = task
    self.tokenizer = tokenizer
    self.config = config
    self.sampler = sampler
    self.prompts = prompts
    self.train = train
  }

  /// The model on the real engine: a paged KV cache sized for `batchSize` prompts of n paths,
  /// training-split problems of `task` (sizes drawn from `sizes`), `batchSize` per batch.
  /// `maxLength` (prompt + response positions of the longest path) sizes the cache when the
  /// model's context is far longer than the replies (a real model's thousands).
  public static func live(
    model: Model, task: any ReasoningTask, tokenizer: any Tokenizer, config: RolloutConfig,
    sampler: SamplerKind = .tree, batchSize: Int = 4, sizes: ClosedRange<Int> = 3...5,
    maxLength: Int? = nil
  ) -> EngineParts {
    let decoder = ModelSegmentDecoder(
      model: model, config: config, prompts: batchSize, stopTokens: Set(tokenizer.stopIds),
      maxLength: maxLength)
    return EngineParts(
      decoder: decoder, task: task, tokenizer: tokenizer, config: config, sampler: sampler,
      prompts: { batch in
        (0..<batchSize).map {
          task.problem(split: .train, index: batch * batchSize + $0, sizes: sizes).prompt
        }
      })
  }
}
