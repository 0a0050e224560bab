import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench ppo`: the PPO step `treepo train` runs (old log-probs from the update's forward,
  /// verl's clipped loss with token-mean, micro-batch gradient accumulation, clip, AdamW) on a
  /// real model and a fixed batch of paths, timed; prints the same line as
  /// `bench/peers/torch_ppo.py`, which runs the same loss on the same weights and batch.
  struct PPO: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "ppo",
      abstract: "Time a PPO step (forward, loss, backward in micro-batches, AdamW) on a model.")

    @OptionGroup var model: ModelOption
    @OptionGroup var threads: ThreadOptions
    @Option(help: "Prompts in the batch.") var prompts = 4
    @Option(name: .customLong("n"), help: "Paths per prompt.") var n = 16
    @Option(help: "Tokens per prompt.") var promptLength = 48
    @Option(help: "Response tokens per path (lengths vary ±25% around it).")
    var responseLength = 152
    @Option(
      name: .customLong("ppo-micro-batch-size"),
      help: "Sequences per forward/backward (default: TrainerConfig.standard for the model).")
    var microBatch: Int?
    @Option(help: "Timed steps; the median is reported.") var repeats = 3
    @Option(help: "Write the weights as an HF folder (for the peer's --weights).")
    var saveWeights: String?
    @Option(help: "Write the batch (paths, prompt lengths, advantages) as JSON for the peer.")
    var saveBatch: String?

    func validate() throws {
      try Check.atLeast("--prompts", prompts, 1)
      try Check.atLeast("--n", n, 2)
      try Check.atLeast("--prompt-length", promptLength, 1)
      try Check.atLeast("--response-length", responseLength, 4)
      try Check.atLeast("--repeats", repeats, 1)
      if let microBatch { try Check.atLeast("--ppo-micro-batch-size", microBatch, 1) }
    }

    func run() throws {
      threads.apply()
      let loaded = try model.load()
      let model = loaded.model
      var config = TrainerConfig.standard(for: model.config)
      config.microBatchSize = microBatch ?? config.microBatchSize
      config.estimator = .grpo
      config.miniBatches = 1
      let batch = Self.batch(
        prompts: prompts, n: n, promptLength: promptLength, responseLength: responseLength,
        vocab: loaded.tokenizer.vocabSize)
      let trainer = PolicyTrainer(
        model: model, config: config, maxLength: promptLength + responseLength * 5 / 4)
      let advantages = computeAdvantages(batch, estimator: .grpo).tokenAdvantages
      let logp0 = trainer.responseLogprobs(batch).joined()
      let meanLogp0 = logp0.reduce(0) { $0 + Double($1) } / Double(logp0.count)
      if let saveWeights {
        try ModelFolder.save(
          model, tokenizer: loaded.tokenizer, chatTemplate: loaded.chatTemplate,
          to: URL(fileURLWithPath: saveWeights))
      }
      if let saveBatch {
        let paths = zip(batch, advantages).map { t, a in
          "{\"tokens\": \((t.promptTokens + t.responseTokens))"
            + ", \"prompt_length\": \(t.promptTokens.count), \"advantages\": \(a)}"
        }
        let json =
          "{\"micro_batch\": \(config.microBatchSize), \"lr\": \(config.learningRate), "
          + "\"paths\": [\(paths.joined(separator: ", "))]}\n"
        try Data(json.utf8).write(to: URL(fileURLWithPath: saveBatch), options: .atomic)
      }
      let positions = batch.reduce(0) { $0 + $1.promptTokens.count + $1.responseTokens.count - 1 }
      var times: [Double] = []
      var pgLoss0 = 0.0
      for i in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = trainer.trainStep(on: batch, computeChanges: false)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        if i == 0 { pgLoss0 = result.metrics["actor/pg_loss"] ?? .nan }
      }
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      let ms = median(times)
      print(
        String(
          format:
            "ppo engine=treepo threads=%d paths=%d positions=%d micro_batch=%d median_ms=%.0f "
            + "tokens_per_s=%.1f logp0=%.6f pg_loss0=%.6f peak_rss_mib=%.0f",
          threads.threads, batch.count, positions, config.microBatchSize, ms,
          Double(positions) / (ms / 1000), meanLogp0, pgLoss0, Double(usage.ru_maxrss) / 1024))
    }

    /// `prompts` × `n` flat paths of seeded random tokens, rewards alternating so GRPO's
    /// advantages are ±1-ish; response lengths vary so micro-batches are ragged.
    static func batch(prompts: Int, n: Int, promptLength: Int, responseLength: Int, vocab: Int)
      -> [Trajectory]
    {
      var rng = SeededRandom(seed: 12)
      var paths: [Trajectory] = []
      for p in 0..<prompts {
        let prompt = (0..<promptLength).map { _ in rng.nextInt(vocab) }
        for i in 0..<n {
          let length = responseLength * 3 / 4 + rng.nextInt(responseLength / 2 + 1)
          let response = (0..<length).map { _ in rng.nextInt(vocab) }
          paths.append(
            Trajectory(
              prompt: p, promptTokens: prompt, nodes: [i], segmentLengths: [length],
              responseTokens: response, samplingLogprobs: [], reward: Float((i + p) % 2),
              outcome: .finished))
        }
      }
      return paths
    }
  }
}
