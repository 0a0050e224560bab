import ArgumentParser
import Foundation
import TreePOEngine

extension AdvantageEstimator: ExpressibleByArgument {}
extension LossAggregation: ExpressibleByArgument {}
extension PrefixMode: ExpressibleByArgument {}

/// The PPO update's settings under verl's names; defaults from `TrainerConfig.standard`, which
/// the explorer's `t` key uses too.
struct TrainerOptions: ParsableArguments {
  @Option(help: "Advantage estimator: tree | tree-segment | segment-leaf-mean | grpo | drgrpo.")
  var advantage = TrainerConfig.standard.estimator
  @Option(help: "Tree estimator weighting (adv_weight_strategy): average | group_size.")
  var advWeightStrategy = TrainerConfig.standard.weighting.rawValue
  @Option(help: "actor.optim.lr (5e-5: stable on the bundled model; see docs/benchmarks.md).")
  var lr = TrainerConfig.standard.learningRate
  @Option(help: "actor.ppo_epochs.")
  var ppoEpochs = TrainerConfig.standard.ppoEpochs
  @Option(help: "Mini-batches per epoch (one optimizer step each), split by prompt.")
  var miniBatches = TrainerConfig.standard.miniBatches
  @Option(help: "Sequences per forward pass (memory); gradients accumulate across them.")
  var microBatch = TrainerConfig.standard.microBatchSize
  @Option(help: "actor.clip_ratio_low.")
  var clipRatioLow = TrainerConfig.standard.ppo.clipRatioLow
  @Option(help: "actor.clip_ratio_high (clip-higher).")
  var clipRatioHigh = TrainerConfig.standard.ppo.clipRatioHigh
  @Option(help: "actor.clip_ratio_c (dual clip, > 1).")
  var clipRatioC = TrainerConfig.standard.ppo.clipRatioC
  @Option(help: "actor.loss_agg_mode: token-mean | seq-mean-token-mean.")
  var lossAggMode = TrainerConfig.standard.ppo.aggregation
  @Option(help: "actor.kl_loss_coef (k3 KL to the starting weights; 0 = off).")
  var klLossCoef = TrainerConfig.standard.ppo.klCoef
  @Option(help: "actor.entropy_coeff (entropy bonus; 0 = off).")
  var entropyCoeff = TrainerConfig.standard.ppo.entropyCoef
  @Option(help: "actor.grad_clip: global gradient-norm clip.")
  var gradClip = TrainerConfig.standard.maxGradNorm
  @Option(help: "Shared prefixes: per-path | shared (same gradient; see docs/algorithm.md).")
  var prefixMode = TrainerConfig.standard.prefixMode

  var config: TrainerConfig {
    var c = TrainerConfig()
    c.estimator = advantage
    c.weighting = TreeWeighting(rawValue: advWeightStrategy) ?? .average
    c.learningRate = lr
    c.ppoEpochs = ppoEpochs
    c.miniBatches = miniBatches
    c.microBatchSize = microBatch
    c.ppo.clipRatioLow = clipRatioLow
    c.ppo.clipRatioHigh = clipRatioHigh
    c.ppo.clipRatioC = clipRatioC
    c.ppo.aggregation = lossAggMode
    c.ppo.klCoef = klLossCoef
    c.ppo.entropyCoef = entropyCoeff
    c.maxGradNorm = gradClip
    c.prefixMode = prefixMode
    return c
  }

  func validate() throws {
    guard TreeWeighting(rawValue: advWeightStrategy) != nil else {
      throw ValidationError(
        "--adv-weight-strategy \(advWeightStrategy) must be average or group_size")
    }
    try Check.positive("--lr", lr)
    try Check.atLeast("--ppo-epochs", ppoEpochs, 1)
    try Check.atLeast("--mini-batches", miniBatches, 1)
    try Check.atLeast("--micro-batch", microBatch, 1)
    try Check.within("--clip-ratio-low", clipRatioLow, 0...0.999_999, "in [0, 1)")
    try Check.nonNegative("--clip-ratio-high", clipRatioHigh)
    try Check.positive("--clip-ratio-c", clipRatioC)
    guard clipRatioC > 1 else { throw ValidationError("--clip-ratio-c \(clipRatioC) must be > 1.") }
    try Check.nonNegative("--kl-loss-coef", klLossCoef)
    try Check.nonNegative("--entropy-coeff", entropyCoeff)
    try Check.positive("--grad-clip", gradClip)
  }
}

extension Treepo {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the model with TreePO (tree sampler + tree advantages) or GRPO (flat).",
      discussion: """
        Each step samples --prompts-per-step training problems (n trajectories each), computes \
        advantages and runs the PPO update. --steps is the run's total (a resumed run continues \
        to it); with --time-budget and no --steps, the budget alone ends the run. Metrics go to checkpoints/<run>/metrics.jsonl as \
        {"step": N, "data": {...}} lines with verl's names; every step's events go to \
        checkpoints/<run>/traces/step_N.jsonl; checkpoints to checkpoints/<run>/global_step_N/.
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOptions
    @Option(help: "tree (TreePO) | flat (GRPO's sampling).")
    var sampler = SamplerKind.tree
    @Option(help: "Training prompts per step.")
    var promptsPerStep = 8
    @Option(
      help: "Total steps of the run (default \(Self.defaultSteps), or none with --time-budget).")
    var steps: Int?
    @Option(
      help: "Budget in minutes of training (rollout + update; evaluations excluded; 0 = none).")
    var timeBudget: Double = 0
    @Option(help: "Held-out greedy evaluation every K steps (0 = only at the start and end).")
    var evalEvery = 10
    @Option(help: "Held-out problems per evaluated size.")
    var evalProblems = 100
    @Option(help: "Held-out sizes to evaluate, e.g. 4 or 3-5.")
    var evalSizes = SizeRange(4...4)
    @Option(help: "Checkpoint every K steps (0 = only at the end).")
    var saveEvery = 0
    @Option(name: .customLong("run"), help: "Run name: checkpoints go to <checkpoints>/<run>/.")
    var runName = "treepo"
    @Option(help: "Folder holding the runs.")
    var checkpoints = "checkpoints"
    @Flag(help: "Continue the run from its latest checkpoint.")
    var resume = false
    @Flag(help: "Start over in a --run folder that already holds a run (its files are removed).")
    var overwrite = false
    @Flag(help: "Do not write per-step trace files.")
    var noTraces = false
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var trainer: TrainerOptions
    @OptionGroup var rollout: RolloutOptions

    static let defaultSteps = 1000

    /// The step the run ends at, or nil when only the time budget ends it.
    var totalSteps: Int? { steps ?? (timeBudget > 0 ? nil : Self.defaultSteps) }

    func validate() throws {
      try Check.atLeast("--prompts-per-step", promptsPerStep, 1)
      if let steps { try Check.atLeast("--steps", steps, 1) }
      try Check.atLeast("--eval-problems", evalProblems, 1)
      try Check.nonNegative("--time-budget", timeBudget)
      try Check.atLeast("--eval-every", evalEvery, 0)
      try Check.atLeast("--save-every", saveEvery, 0)
      try evalSizes.check("--eval-sizes", for: task.task)
      guard !runName.isEmpty, !runName.contains("/"), runName != ".", runName != ".." else {
        throw ValidationError("--run \"\(runName)\" must be a plain folder name.")
      }
      if resume && overwrite {
        throw ValidationError("--resume continues a run and --overwrite starts over: pick one.")
      }
    }

    func run() throws {
      threads.apply()
      let task = try self.task.task.make()
      let loaded = try model.load()
      var config = TrainLoopConfig()
      config.sampler = sampler
      config.rollout = rollout.config
      config.trainer = trainer.config
      config.promptsPerStep = promptsPerStep
      config.sizes = self.task.sizes.range
      config.seed = rollout.seed
      let modelConfig = loaded.model.config
      try MemoryCheck.require(
        MemoryCheck.rollout(modelConfig, prompts: promptsPerStep, n: rollout.n)
          + MemoryCheck.training(
            modelConfig, batch: trainer.microBatch, length: modelConfig.maxPositions)
          + (trainer.klLossCoef > 0
            ? MemoryCheck.trainingGraph(
              modelConfig, batch: trainer.microBatch, length: modelConfig.maxPositions) : 0),
        for: "Training with --prompts-per-step \(promptsPerStep) × --n \(rollout.n) and "
          + "--micro-batch \(trainer.microBatch)")
      // Checkpoints are written as our own folders, whose vocabulary is characters.
      guard let tokenizer = loaded.tokenizer as? CharTokenizer else {
        throw CommandError(
          "--model \(loaded.name): treepo train runs on character-level task models only (its "
            + "checkpoints save a character vocabulary).")
      }
      let loop = TrainLoop(model: loaded.model, tokenizer: tokenizer, task: task, config: config)
      let root = URL(fileURLWithPath: checkpoints).appendingPathComponent(runName)
      try FileErrors.explained(path: root.path, doing: "create the run folder") {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
      }
      RunFolder.removeStaleTemporaries(in: root)
      if resume {
        guard let folder = try TrainLoop.latestCheckpoint(root: root) else {
          throw CommandError("--resume: \(root.path) has no \(TrainLoop.latestFile) yet.")
        }
        try loop.resume(from: folder)
        if let total = totalSteps, total <= loop.step {
          throw CommandError(
            "\(root.path) is already at step \(loop.step); --steps is the run's total, so give "
              + "more than \(loop.step) to continue it.")
        }
        print("resumed from \(folder.path) (step \(loop.step))")
      } else {
        try RunFolder.startFresh(root, overwrite: overwrite)
      }
      var runner = TrainRunner(
        command: self, loop: loop, task: task, root: root, modelName: loaded.name)
      try runner.train()
    }
  }
}
