import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  /// `treepo bench rollout`: tree vs flat on the same prompts, model, n and seeds, side by side.
  struct BenchRollout: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "rollout",
      abstract: "Tree vs flat sampling on the same held-out prompts: tokens, wall time, mean@n, "
        + "pass@n, medians over repeats.",
      discussion: """
        Each repeat runs the flat sampler and every tree variant back to back with the same seed \
        (seed + repeat), so machine noise hits them alike; ratios are taken per repeat (tree / \
        flat) and their median reported. A variant is a policy, optionally with an entropy \
        threshold, a fallback cut and a width w: fixed, logprob, entropy, entropy-gated:0.3, \
        entropy-gated:0.3:entropy, entropy-gated:0.3:entropy:3, fixed:::4.
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOptions
    @Option(help: "Held-out problems per rollout.")
    var prompts = 64
    @Option(help: "Repeats (each with its own seed); medians are reported.")
    var repeats = 3
    @Option(help: "Tree variants, comma-separated: policy[:entropy threshold].")
    var variants = "fixed,entropy,entropy-gated"
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var rollout: RolloutOptions

    struct Variant {
      var label: String
      var config: RolloutConfig
    }

    struct Run {
      var tokens: Double
      var seconds: Double
      /// Process CPU time: on a shared, loaded machine this tracks the work better than wall time.
      var cpu: Double
      var mean: Double
      var pass: Double
    }

    func validate() throws {
      try Check.atLeast("--prompts", prompts, 1)
      try Check.atLeast("--repeats", repeats, 1)
      _ = try parseVariants()
    }

    func parseVariants() throws -> [Variant] {
      try variants.split(separator: ",").map { spec in
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let policy = DivergencePolicy(rawValue: parts[0]), parts.count <= 4 else {
          throw ValidationError(
            "--variants: \"\(spec)\" is not policy[:threshold[:cut[:w]]] with a policy among "
              + DivergencePolicy.allCases.map(\.rawValue).joined(separator: ", "))
        }
        var config = rollout.config
        config.divergencePolicy = policy
        if parts.count >= 2 && !parts[1].isEmpty {
          guard let t = Float(parts[1]), t.isFinite, t >= 0 else {
            throw ValidationError(
              "--variants: \"\(parts[1])\" in \"\(spec)\" is not an entropy threshold ≥ 0")
          }
          config.entropyThreshold = t
        }
        if parts.count >= 3 && !parts[2].isEmpty {
          guard let cut = FallbackCut(rawValue: parts[2]) else {
            throw ValidationError(
              "--variants: \"\(parts[2])\" in \"\(spec)\" is not a fallback cut (uniform, entropy)")
          }
          config.fallbackCut = cut
        }
        if parts.count == 4 {
          guard let w = Int(parts[3]), w >= 1, w <= rollout.n else {
            throw ValidationError(
              "--variants: \"\(parts[3])\" in \"\(spec)\" is not a width w in 1...--n (\(rollout.n))"
            )
          }
          config.divergence = w
          if let wMax = config.maxInitialDivergence, wMax < w { config.maxInitialDivergence = w }
        }
        return Variant(label: String(spec), config: config)
      }
    }

    func run() throws {
      threads.apply()
      let task = try self.task.task.make()
      let loaded = try model.load()
      let range = self.task.sizes.range
      try MemoryCheck.require(
        MemoryCheck.rollout(loaded.model.config, prompts: prompts, n: rollout.n),
        for: "A rollout of --prompts \(prompts) × --n \(rollout.n)")
      let texts = (0..<prompts).map {
        task.problem(split: .heldOut, index: $0, sizes: range).prompt
      }
      var flat = rollout.config
      flat.divergencePolicy = .fixed
      let all = [Variant(label: "flat", config: flat)] + (try parseVariants())
      var runs = [[Run]](repeating: [], count: all.count)
      let progress = ProgressLine(label: "bench rollout")
      for r in 0..<repeats {
        for (v, variant) in all.enumerated() {
          var config = variant.config
          config.seed = rollout.seed &+ UInt64(r)
          let decoder = ModelSegmentDecoder(
            model: loaded.model, config: config, prompts: texts.count,
            stopTokens: [loaded.tokenizer.eosId])
          let s = try TreeSampler(
            decoder: decoder, task: task, tokenizer: loaded.tokenizer, prompts: texts,
            config: config, kind: v == 0 ? .flat : .tree)
          let cpuStart = processCPUSeconds()
          try s.run()
          let cpu = processCPUSeconds() - cpuStart
          let sum = s.summary
          if !sum.shortfalls.isEmpty {
            progress.note("\(variant.label): \(sum.shortfalls.count) prompts short of n")
          }
          runs[v].append(
            Run(
              tokens: Double(sum.counters.decodedTokens), seconds: sum.counters.elapsedSeconds,
              cpu: cpu, mean: sum.meanAtN, pass: sum.passAtN))
          progress.update(
            fraction: Double(r * all.count + v + 1) / Double(repeats * all.count),
            fields: ["repeat \(r + 1)/\(repeats)", variant.label], force: true)
        }
      }
      progress.endLine()
      print(
        "model \(loaded.name), task \(task.name), \(prompts) held-out prompts (sizes \(self.task.sizes)), "
          + "n = \(rollout.n), segment \(rollout.treeMaxTokenPerStep), w = "
          + "\(rollout.treeFixedStepDiv), \(repeats) repeats, \(threads.threads) thread(s)")
      print("")
      print(
        "| sampler | tokens decoded | wall s | cpu s | mean@\(rollout.n) | pass@\(rollout.n) "
          + "| tokens × flat | wall × flat | cpu × flat | Δ mean (pts) | Δ pass (pts) |")
      print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
      for (v, variant) in all.enumerated() {
        let mine = runs[v]
        let base = runs[0]
        func ratio(_ f: (Run) -> Double) -> Double {
          median(zip(mine, base).map { f($0) / max(f($1), 1e-9) })
        }
        func delta(_ f: (Run) -> Double) -> Double {
          median(zip(mine, base).map { 100 * (f($0) - f($1)) })
        }
        print(
          "| \(variant.label) "
            + String(
              format: "| %.0f | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f | %+.1f | %+.1f |",
              median(mine.map(\.tokens)), median(mine.map(\.seconds)), median(mine.map(\.cpu)),
              median(mine.map(\.mean)), median(mine.map(\.pass)), ratio(\.tokens),
              ratio(\.seconds), ratio(\.cpu), delta(\.mean), delta(\.pass)))
      }
    }
  }
}
