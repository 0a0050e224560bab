import ArgumentParser
import Foundation
import TreePOEngine

extension AdvantageEstimator: ExpressibleByArgument {}
extension LossAggregation: ExpressibleByArgument {}
extension PrefixMode: ExpressibleByArgument {}

/// The PPO update's settings under verl's names.
struct TrainerOptions: ParsableArguments {
  @Option(help: "Advantage estimator: tree | tree-segment | grpo | drgrpo.")
  var advantage = AdvantageEstimator.tree
  @Option(help: "Tree estimator weighting (adv_weight_strategy): average | group_size.")
  var advWeightStrategy = "average"
  @Option(help: "actor.optim.lr (5e-5: stable on the bundled model; see docs/benchmarks.md).")
  var lr: Float = 5e-5
  @Option(help: "actor.ppo_epochs.")
  var ppoEpochs = 1
  @Option(help: "Mini-batches per epoch (one optimizer step each), split by prompt.")
  var miniBatches = 2
  @Option(help: "Sequences per forward pass (memory); gradients accumulate across them.")
  var microBatch = 32
  @Option(help: "actor.clip_ratio_low.")
  var clipRatioLow: Double = 0.2
  @Option(help: "actor.clip_ratio_high (clip-higher).")
  var clipRatioHigh: Double = 0.28
  @Option(help: "actor.clip_ratio_c (dual clip, > 1).")
  var clipRatioC: Double = 3
  @Option(help: "actor.loss_agg_mode: token-mean | seq-mean-token-mean.")
  var lossAggMode = LossAggregation.tokenMean
  @Option(help: "actor.kl_loss_coef (k3 KL to the starting weights; 0 = off).")
  var klLossCoef: Double = 0
  @Option(help: "actor.entropy_coeff (entropy bonus; 0 = off).")
  var entropyCoeff: Double = 0
  @Option(help: "actor.grad_clip: global gradient-norm clip.")
  var gradClip: Float = 1
  @Option(help: "Shared prefixes: per-path | shared (same gradient; see docs/algorithm.md).")
  var prefixMode = PrefixMode.perPath

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
    guard lr > 0, lr.isFinite else { throw ValidationError("--lr \(lr) must be positive") }
    guard ppoEpochs >= 1, miniBatches >= 1, microBatch >= 1 else {
      throw ValidationError("--ppo-epochs, --mini-batches and --micro-batch must be at least 1")
    }
    guard clipRatioLow >= 0, clipRatioLow < 1, clipRatioHigh >= 0 else {
      throw ValidationError("--clip-ratio-low must be in [0, 1) and --clip-ratio-high ≥ 0")
    }
    guard clipRatioC > 1 else { throw ValidationError("--clip-ratio-c \(clipRatioC) must be > 1") }
    guard gradClip > 0 else { throw ValidationError("--grad-clip \(gradClip) must be positive") }
  }
}

extension Treepo {
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train the model with TreePO (tree sampler + tree advantages) or GRPO (flat).",
      discussion: """
        Each step samples --prompts-per-step training problems (n trajectories each), computes \
        advantages and runs the PPO update. Metrics go to checkpoints/<run>/metrics.jsonl as \
        {"step": N, "data": {...}} lines with verl's names; every step's events go to \
        checkpoints/<run>/traces/step_N.jsonl; checkpoints to checkpoints/<run>/global_step_N/.
        """)

    @Option(help: "Model folder to start from (default: the bundled model).")
    var model: String?
    @Option(help: "Task: countdown | chain.")
    var task = "countdown"
    @Option(help: "tree (TreePO) | flat (GRPO's sampling).")
    var sampler = SamplerKind.tree
    @Option(help: "Training prompts per step.")
    var promptsPerStep = 8
    @Option(help: "Problem sizes to train on (numbers per Countdown problem), e.g. 4 or 3-5.")
    var sizes = "4"
    @Option(help: "Steps to run (the time budget may end the run earlier).")
    var steps = 1000
    @Option(
      help: "Budget in minutes of training (rollout + update; evaluations excluded; 0 = none).")
    var timeBudget: Double = 0
    @Option(help: "Held-out greedy evaluation every K steps (0 = only at the start and end).")
    var evalEvery = 10
    @Option(help: "Held-out problems per evaluated size.")
    var evalProblems = 100
    @Option(help: "Held-out sizes to evaluate, e.g. 4 or 3-5.")
    var evalSizes = "4"
    @Option(help: "Checkpoint every K steps (0 = only at the end).")
    var saveEvery = 0
    @Option(name: .customLong("run"), help: "Run name: checkpoints go to <checkpoints>/<run>/.")
    var runName = "treepo"
    @Option(help: "Folder holding the runs.")
    var checkpoints = "checkpoints"
    @Flag(help: "Continue the run from its latest checkpoint.")
    var resume = false
    @Flag(help: "Do not write per-step trace files.")
    var noTraces = false
    @Option(help: "OpenBLAS threads.")
    var threads = 1
    @OptionGroup var trainer: TrainerOptions
    @OptionGroup var rollout: RolloutOptions

    func validate() throws {
      if promptsPerStep < 1 || steps < 1 || threads < 1 || evalProblems < 1 {
        throw ValidationError(
          "--prompts-per-step, --steps, --threads and --eval-problems must be at least 1")
      }
      if timeBudget < 0 || evalEvery < 0 || saveEvery < 0 {
        throw ValidationError("--time-budget, --eval-every and --save-every must be ≥ 0")
      }
      _ = try parseSizes(sizes)
      _ = try parseSizes(evalSizes)
    }

    func run() throws {
      BLASThreads.set(threads)
      let task = try TaskCatalog.task(named: self.task)
      let loaded = try LoadedModel(folder: model)
      var config = TrainLoopConfig()
      config.sampler = sampler
      config.rollout = rollout.config
      config.trainer = trainer.config
      config.promptsPerStep = promptsPerStep
      config.sizes = try parseSizes(sizes)
      config.seed = rollout.seed
      let loop = TrainLoop(
        model: loaded.model, tokenizer: loaded.tokenizer, task: task, config: config)
      let root = URL(fileURLWithPath: checkpoints).appendingPathComponent(runName)
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
      if resume {
        guard let folder = try TrainLoop.latestCheckpoint(root: root) else {
          throw ValidationError("--resume: \(root.path) has no \(TrainLoop.latestFile) yet.")
        }
        try loop.resume(from: folder)
        print("resumed from \(folder.path) (step \(loop.step))")
      }
      var runner = TrainRunner(
        command: self, loop: loop, task: task, root: root, modelName: loaded.name)
      try runner.train()
    }
  }
}
