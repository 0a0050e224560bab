// `treepo pretrain`: supervised training from scratch on generated reference traces.

import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  struct Pretrain: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Train a model from scratch on a task's reference traces (loss on completions).",
      discussion: """
        Checkpoints go to OUT/checkpoint/ while training (resume with --resume); the finished \
        model is written into OUT as an HF folder. Give one budget: --steps, --tokens, \
        --time-budget (wall-clock minutes) or --cpu-budget (minutes of this process's CPU time, \
        which on a shared machine is the work actually done); with a time budget the cosine \
        schedule is fitted to the measured speed.
        """)

    @Option(help: "Output model folder.") var out = "runs/countdown-tiny"
    @Option(help: "Task: \(TaskCatalog.names.joined(separator: " | ")).")
    var task = TaskChoice.countdown
    @Option(help: "Numbers per problem, a size or a range (one size per batch, rotating).")
    var numbers = SizeRange(3...6)
    @Option(help: "Model width.") var hiddenSize = 128
    @Option(help: "Decoder layers.") var layers = 4
    @Option(help: "Attention heads.") var heads = 4
    @Option(help: "Key/value heads (grouped-query attention).") var kvHeads = 4
    @Option(help: "MLP width.") var ffn = 352
    @Option(help: "Context length (max_position_embeddings).") var context = 80
    @Option(help: "Sequences per step.") var batchSize = 32
    @Option(help: "Peak learning rate.") var lr: Float = 2e-3
    @Option(help: "Warm-up steps.") var warmup = 50
    @Option(help: "AdamW weight decay.") var weightDecay: Float = 0.01
    @Option(help: "Seed for weights (data order is fixed by the step).") var seed: UInt64 = 0
    @Option(help: "Optimizer steps.") var steps: Int?
    @Option(help: "Positions to train on (converted to steps).") var tokens: Int?
    @Option(help: "Minutes of training (steps fitted to the measured speed).")
    var timeBudget: Double?
    @Option(help: "Minutes of process CPU time (steps fitted to the measured speed).")
    var cpuBudget: Double?
    @Option(help: "Held-out greedy accuracy every N steps (0 = never).") var evalEvery = 250
    @Option(help: "Held-out problems per size in the periodic check.") var evalProblems = 64
    @Option(help: "Write a checkpoint every N steps.") var checkpointEvery = 250
    @OptionGroup var threads: ThreadOptions
    @Flag(
      help: "Continue the run in OUT/checkpoint/ (its settings win; --steps/--tokens: new total).")
    var resume = false

    func validate() throws {
      let budgets = [steps != nil, tokens != nil, timeBudget != nil, cpuBudget != nil]
      guard budgets.filter({ $0 }).count <= 1 else {
        throw ValidationError(
          "Give at most one of --steps, --tokens, --time-budget and --cpu-budget.")
      }
      if let steps { try Check.atLeast("--steps", steps, 1) }
      if let tokens { try Check.atLeast("--tokens", tokens, 1) }
      if let timeBudget { try Check.positive("--time-budget", timeBudget) }
      if let cpuBudget { try Check.positive("--cpu-budget", cpuBudget) }
      try numbers.check("--numbers", for: task)
      for (flag, value) in [
        ("--hidden-size", hiddenSize), ("--layers", layers), ("--heads", heads),
        ("--kv-heads", kvHeads), ("--ffn", ffn), ("--context", context),
        ("--batch-size", batchSize), ("--eval-problems", evalProblems),
      ] {
        try Check.atLeast(flag, value, 1)
      }
      try Check.atLeast("--warmup", warmup, 0)
      try Check.atLeast("--eval-every", evalEvery, 0)
      try Check.atLeast("--checkpoint-every", checkpointEvery, 0)
      try Check.positive("--lr", lr)
      try Check.nonNegative("--weight-decay", weightDecay)
      guard hiddenSize % heads == 0, heads % kvHeads == 0, (hiddenSize / heads) % 2 == 0 else {
        throw ValidationError(
          "--hidden-size \(hiddenSize) must split into --heads \(heads) even-sized heads, and "
            + "--heads must be a multiple of --kv-heads \(kvHeads).")
      }
    }

    func run() throws {
      threads.apply()
      let outURL = URL(fileURLWithPath: out)
      try FileErrors.explained(path: out, doing: "create the output folder") {
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
      }
      let trainer: Pretrainer
      if resume {
        Pretrainer.removeInterruptedCheckpoint(in: outURL)
        RunFolder.removeStaleTemporaries(in: outURL)
        trainer = try Pretrainer.resume(from: outURL)
      } else {
        let config = try makeConfig()
        try MemoryCheck.require(
          MemoryPlan.model(config.model)
            + MemoryPlan.pretrainer(
              config.model, batch: batchSize, length: config.model.maxPositions),
          for: "A model of --hidden-size \(hiddenSize), --layers \(layers), --ffn \(ffn) trained "
            + "in batches of \(batchSize)")
        trainer = try Pretrainer(config: config)
      }
      if resume, let steps {
        trainer.setTotalSteps(steps)  // a resumed run may be lengthened or shortened
      }
      let config = trainer.config
      if let tokens {
        trainer.setTotalSteps(max(1, tokens / meanPositionsPerStep(trainer)))
      }
      let runner = PretrainRunner(
        trainer: trainer, out: outURL,
        budget: timeBudget.map { .wall($0 * 60) } ?? cpuBudget.map { .cpu($0 * 60) },
        evalEvery: evalEvery, evalProblems: evalProblems, checkpointEvery: checkpointEvery)
      let startStep = trainer.step
      try runner.run()
      let (report, evalSeconds) = try runner.finish()
      print(
        runner.summary(
          startStep: startStep, report: report, evalSeconds: evalSeconds,
          command: reproduceCommand(config: config, steps: trainer.config.totalSteps)))
    }

    func makeConfig() throws -> PretrainConfig {
      let tokenizer = CharTokenizer()
      let model = ModelConfig(
        vocabSize: tokenizer.vocabSize, hiddenSize: hiddenSize, intermediateSize: ffn,
        numLayers: layers, numHeads: heads, numKVHeads: kvHeads, maxPositions: context,
        eosTokenId: tokenizer.eosId)
      let task = try task.make()
      return PretrainConfig(
        model: model, task: task.name, sizes: numbers.range, batchSize: batchSize,
        totalSteps: steps ?? (timeBudget != nil || cpuBudget != nil ? 1_000_000 : 2000),
        warmupSteps: warmup,
        learningRate: lr, weightDecay: weightDecay, seed: seed)
    }

    /// Mean positions per step over one rotation of sizes (trace length is fixed by the size).
    func meanPositionsPerStep(_ trainer: Pretrainer) -> Int {
      let n = trainer.config.sizes.count
      let total = (0..<n).reduce(0) { sum, s in sum + ((try? trainer.batch(at: s).positions) ?? 0) }
      return max(1, total / n)
    }

    func reproduceCommand(config: PretrainConfig, steps: Int) -> String {
      let m = config.model
      return "treepo pretrain --task \(config.task) --numbers \(SizeRange(config.sizes)) "
        + "--hidden-size \(m.hiddenSize) --layers \(m.numLayers) --heads \(m.numHeads) "
        + "--kv-heads \(m.numKVHeads) --ffn \(m.intermediateSize) --context \(m.maxPositions) "
        + "--batch-size \(config.batchSize) --lr \(config.learningRate) "
        + "--warmup \(config.warmupSteps) --weight-decay \(config.weightDecay) "
        + "--seed \(config.seed) --steps \(steps) --out \(out)"
    }
  }
}
