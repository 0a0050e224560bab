// The one set of training defaults: `treepo train`'s options start from it and so does the
// explorer's `t` key, so both train the same way unless told otherwise (they differed: lr 1e-4
// and one mini-batch for `t`, 5e-5 and two for `train`). `TrainerConfig()` stays the plain base the
// library's tests build on.

extension TrainerConfig {
  public static let standard: TrainerConfig = {
    var c = TrainerConfig()
    // Stable on the bundled model (docs/benchmarks.md).
    c.learningRate = 5e-5
    c.miniBatches = 2
    c.microBatchSize = 32
    return c
  }()

  /// `standard` for a model of `config`'s size. A real model (≥ 10M parameters, e.g.
  /// SmolLM2-135M) trains in micro-batches of `realModelMicroBatchSize` sequences, the size
  /// measured fastest per token on SmolLM2 that keeps the step's peak memory bounded
  /// (docs/benchmarks.md, "PPO step on SmolLM2"), and with one optimizer step per batch, so no
  /// 1.6 GB undo copy of weights and moments is kept (PolicyTrainer.trainStep).
  public static func standard(for config: ModelConfig) -> TrainerConfig {
    var c = standard
    guard ParameterLayout(config).count >= 10_000_000 else { return c }
    c.microBatchSize = realModelMicroBatchSize
    c.miniBatches = 1
    c.learningRate = realModelLearningRate
    return c
  }

  public static let realModelMicroBatchSize = 4
  /// What the 20-minute SmolLM2 runs in docs/benchmarks.md used (chosen, not tuned: at a few
  /// steps per run a smaller rate moves nothing).
  public static let realModelLearningRate: Float = 3e-5

  /// The settings people compare runs by, in verl's names (the explorer's Training pane shows
  /// them; the live trace header records them).
  public var summary: [String: String] {
    [
      "actor.optim.lr": "\(learningRate)", "actor.ppo_epochs": "\(ppoEpochs)",
      "actor.ppo_mini_batches": "\(miniBatches)", "algorithm.adv_estimator": estimator.rawValue,
      "actor.loss_agg_mode": ppo.aggregation.rawValue,
    ]
  }
}
