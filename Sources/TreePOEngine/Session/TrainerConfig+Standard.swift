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
