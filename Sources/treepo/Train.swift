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
  @Option(
    help: ArgumentHelp(
      "actor.optim.lr (default \(TrainerConfig.standard.learningRate), stable on the bundled "
        + "model; \(TrainerConfig.realModelLearningRate) for real models; docs/benchmarks.md).",
      valueName: "lr"))
  var lr: Float?
  @Option(help: "actor.ppo_epochs.")
  var ppoEpochs = TrainerConfig.standard.ppoEpochs
  @Option(
    help: ArgumentHelp(
      "Mini-batches per epoch (one optimizer step each), split by prompt (default "
        + "\(TrainerConfig.standard.miniBatches); 1 for real models).",
      valueName: "n"))
  var miniBatches: Int?
  @Option(
    name: [.customLong("ppo-micro-batch-size"), .customLong("micro-batch")],
    help: ArgumentHelp(
      "actor.ppo_micro_batch_size: sequences per forward/backward; gradients accumulate across "
        + "them, so it bounds memory, not the update (default \(TrainerConfig.standard.microBatchSize); "
        + "\(TrainerConfig.realModelMicroBatchSize) for real models).",
      valueName: "n"))
  var microBatch: Int?
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

  /// The settings for a model of `model`'s size: unset options take
  /// `TrainerConfig.standard(for:)`, as the explorer's `t` does.
  func config(for model: ModelConfig) -> TrainerConfig {
    var c = TrainerConfig.standard(for: model)
    c.estimator = advantage
    c.weighting = TreeWeighting(rawValue: advWeightStrategy) ?? .average
    c.learningRate = lr ?? c.learningRate
    c.ppoEpochs = ppoEpochs
    c.miniBatches = miniBatches ?? c.miniBatches
    c.microBatchSize = microBatch ?? c.microBatchSize
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
    if let lr { try Check.positive("--lr", lr) }
    try Check.atLeast("--ppo-epochs", ppoEpochs, 1)
    if let miniBatches { try Check.atLeast("--mini-batches", miniBatches, 1) }
    if let microBatch { try Check.atLeast("--ppo-micro-batch-size", microBatch, 1) }
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
    @Option(
      help: ArgumentHelp(
        "arith: train on the questions of a JSONL file ({\"question\"|\"prompt\": …, "
          + "\"answer\": …}), cycling through them."))
    var promptFile: String?
    @OptionGroup var chat: ChatOptions
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
    @Option(
      name: .customLong("eval-sizes"),
      help: ArgumentHelp(
        "Held-out sizes to evaluate, e.g. 4 or 3-5 (default: the task's, as --sizes).",
        valueName: "sizes"))
    var evalSizesArgument: SizeRange?

    var evalSizes: SizeRange { evalSizesArgument ?? SizeRange(task.task.defaultSizes) }
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
      if promptFile != nil && task.task.name != "arith" {
        throw ValidationError("--prompt-file is for --task arith (questions with answers).")
      }
      guard !runName.isEmpty, !runName.contains("/"), runName != ".", runName != ".." else {
        throw ValidationError("--run \"\(runName)\" must be a plain folder name.")
      }
      if resume && overwrite {
        throw ValidationError("--resume continues a run and --overwrite starts over: pick one.")
      }
    }

    func run() throws {
      threads.apply()
      let loaded = try model.load()
      let base = try promptFile.map(PromptFile.arith) ?? self.task.task.make()
      let task = try loaded.formatted(base, raw: chat.raw)
      let modelConfig = loaded.model.config
      var config = TrainLoopConfig()
      config.sampler = sampler
      config.rollout = rollout.config
      config.trainer = trainer.config(for: modelConfig)
      config.promptsPerStep = promptsPerStep
      config.sizes = self.task.sizes.range
      config.seed = rollout.seed
      if let file = base as? ArithTask, promptFile != nil {
        config.sizes = ArithTask.fileLevel...ArithTask.fileLevel
        config.problemCount = file.fileQuestions.count
      }
      // Graph rows hold prompt + response; the longest prompt of the first steps stands for all
      // (the trainer grows its graph if a later one is longer).
      let promptTokens =
        try TrainLoop.prompts(task: task, config: config, step: 0).map {
          try loaded.tokenizer.encode($0).count
        }.max() ?? 0
      let micro = config.trainer.microBatchSize
      let plan = TrainLoop.memoryPlan(
        modelConfig, config: config, longestPrompt: promptTokens,
        decode: loaded.model.decodeWeightFormat)
      try MemoryCheck.require(
        plan, allocated: MemoryCheck.loadedModel,
        for: "Training with --prompts-per-step \(promptsPerStep) × --n \(rollout.n) and "
          + "--ppo-micro-batch-size \(micro)")
      let loop = TrainLoop(
        model: loaded.model, tokenizer: loaded.tokenizer,
        chatTemplate: chat.raw ? nil : loaded.chatTemplate, task: task, config: config)
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
      runner.memory = plan
      try runner.train()
    }
  }
}
