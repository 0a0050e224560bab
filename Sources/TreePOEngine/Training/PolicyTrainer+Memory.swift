// What a PPO step keeps in memory (MemoryPlan.trainer counts it part by part). Fixed: fp32
// weights, their gradients and AdamW's two moments (4 × 4 bytes per parameter; 2.2 GB for
// SmolLM2-135M), plus the KL reference's frozen weights and forward-only graph when klCoef ≠ 0. Per step: the training graph's
// activations for one micro-batch, about 1.7 MB per position for SmolLM2 (30 layers of
// activations plus logits and their gradient over a 49,152-token vocabulary), so the micro-batch
// size, not the rollout's width, bounds the step: gradients accumulate over micro-batches and the
// logits of the whole batch never exist at once. The graph is sized to the longest trajectory
// seen, growing when a batch needs more.

extension PolicyBatch {
  var promptCount: Int { Set(trajectories.map(\.prompt)).count }
}

extension PolicyTrainer {
  /// Positions one graph row needs for `trajectories` (prompt + response − 1).
  static func neededLength(_ trajectories: [Trajectory]) -> Int {
    trajectories.map { $0.promptTokens.count + $0.responseTokens.count - 1 }.max() ?? 1
  }

  /// Positions per row of the graphs of a trainer made with `maxLength: initial` after it has
  /// trained on rows of `needed` positions (`neededLength`): the initial size (default the
  /// model's context), grown in steps of 32 up to the context when a row is longer.
  public static func graphLength(initial: Int?, needed: Int, config: ModelConfig) -> Int {
    let start = max(1, min(initial ?? config.maxPositions, config.maxPositions))
    guard needed > start else { return start }
    return min(config.maxPositions, (needed + 31) / 32 * 32)
  }

  /// The KL reference policy's graph (nil without a KL loss), for memory reports and tests.
  public var referenceGraph: TrainingGraph? { reference }

  /// Rebuilds the graphs (dropping the old ones first, so the two never coexist) when a
  /// trajectory is longer than they hold; lengths grow in steps of 32 up to the model's context.
  func fitGraphs(to trajectories: [Trajectory]) {
    let needed = Self.neededLength(trajectories)
    guard needed > graph.maxLength else { return }
    let length = Self.graphLength(initial: graph.maxLength, needed: needed, config: model.config)
    let batch = graph.maxBatch
    let threads = graph.threads
    graph = TrainingGraph(model: model, maxBatch: 1, maxLength: 1)
    graph = TrainingGraph(model: model, maxBatch: batch, maxLength: length)
    graph.threads = threads
    if let frozen = reference?.model {
      reference = TrainingGraph(model: frozen, maxBatch: 1, maxLength: 1, forwardOnly: true)
      reference = TrainingGraph(
        model: frozen, maxBatch: batch, maxLength: length, forwardOnly: true)
      reference?.threads = threads
    }
  }

  /// Starts counting this step's work when someone listens: `passes` forward-equivalents over
  /// every position of the batch.
  func startMeter(_ batch: PolicyBatch, passes: Double) {
    guard let report = onProgress else { return }
    let positions = batch.trajectories.reduce(0) {
      $0 + $1.promptTokens.count + $1.responseTokens.count - 1
    }
    meter = ProgressMeter(total: passes * Double(positions), report: report)
  }
}
