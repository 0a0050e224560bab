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
        entropy-gated:0.3:entropy, entropy-gated:0.3:entropy:3, fixed:::4; then rules joined by \
        +: step (tree_segment_boundary=step), distinct (tree_distinct_siblings), fork \
        (tree_branch_position=max-entropy, tree_max_depth doubled), seg=N (the segment length, a \
        step segment's cap), tau=T (tree_div_temperature), e.g. fixed+step+seg=10+distinct, \
        branch-entropy+fork+tau=0.25. --seed s seeds \
        the rollouts (s + repeat) and draws the held-out problems s·prompts ..< (s+1)·prompts \
        (seed 0: the first ones). --json prints one JSON object per variant per line instead of \
        the table. A chat model (e.g. --model smollm2-135m --task arith) gets each problem as a \
        user turn of its chat template (--raw: as it is) and stops at its end of turn, as in \
        `treepo sample`.
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOptions
    @OptionGroup var chat: ChatOptions
    @Option(help: "Held-out problems per rollout.")
    var prompts = 64
    @Option(help: "Repeats (each with its own seed); medians are reported.")
    var repeats = 3
    @Option(
      help: "Tree variants, comma-separated: policy[:threshold[:cut[:w]]][+rule…]; see above.")
    var variants = "fixed,entropy,entropy-gated"
    @Flag(help: "One JSON object per variant per line (medians, ratios and deltas to flat).")
    var json = false
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
      _ = try firstProblem()
    }

    /// Index of the first held-out problem: --seed × --prompts (each seed its own problems).
    func firstProblem() throws -> Int {
      let (start, overflow) = Int(clamping: rollout.seed).multipliedReportingOverflow(by: prompts)
      guard !overflow, start <= Int.max - prompts else {
        throw ValidationError(
          "--seed \(rollout.seed) × --prompts \(prompts) is past the last problem index")
      }
      return start
    }

    func run() throws {
      threads.apply()
      let loaded = try model.load()
      // A chat model sees each problem as a user turn of its template, as `sample` and `eval` do.
      let task = try loaded.formatted(self.task.task.make(), raw: chat.raw)
      let range = self.task.sizes.range
      // Checked before the prompts are drawn (a million take long), with the shortest prompt.
      try checkMemory(loaded, length: 1 + rollout.config.maxResponseTokens)
      let first = try firstProblem()
      let texts = (first..<first + prompts).map {
        task.problem(split: .heldOut, index: $0, sizes: range).prompt
      }
      let length = loaded.rolloutLength(texts, config: rollout.config)
      try checkMemory(loaded, length: length)
      var flat = rollout.config
      flat.divergencePolicy = .fixed
      let all = [Variant(label: "flat", config: flat)] + (try parseVariants())
      var runs = [[Run]](repeating: [], count: all.count)
      let progress = ProgressLine(label: "bench rollout")
      for r in 0..<repeats {
        for (v, variant) in all.enumerated() {
          var config = variant.config
          config.seed = rollout.seed &+ UInt64(r)
          let decoder = loaded.segmentDecoder(
            config: config, prompts: texts.count, maxLength: length)
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
      if json {
        for (v, variant) in all.enumerated() {
          let (mine, base) = (runs[v], runs[0])
          let line = JSONLine(
            variant: variant.label, model: loaded.name, task: task.name,
            config: v == 0 ? flatDictionary(variant.config) : variant.config.dictionary,
            prompts: prompts, repeats: repeats, seed: rollout.seed, n: rollout.n,
            tokens: median(mine.map(\.tokens)), wallSeconds: median(mine.map(\.seconds)),
            cpuSeconds: median(mine.map(\.cpu)), meanAtN: median(mine.map(\.mean)),
            passAtN: median(mine.map(\.pass)), tokensRatio: ratio(mine, base, \.tokens),
            wallRatio: ratio(mine, base, \.seconds), cpuRatio: ratio(mine, base, \.cpu),
            deltaMeanPoints: delta(mine, base, \.mean), deltaPassPoints: delta(mine, base, \.pass))
          print(try line.text())
        }
        return
      }
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
        let (mine, base) = (runs[v], runs[0])
        print(
          "| \(variant.label) "
            + String(
              format: "| %.0f | %.2f | %.2f | %.3f | %.3f | %.3f | %.3f | %.3f | %+.1f | %+.1f |",
              median(mine.map(\.tokens)), median(mine.map(\.seconds)), median(mine.map(\.cpu)),
              median(mine.map(\.mean)), median(mine.map(\.pass)), ratio(mine, base, \.tokens),
              ratio(mine, base, \.seconds), ratio(mine, base, \.cpu), delta(mine, base, \.mean),
              delta(mine, base, \.pass)))
      }
    }

    func checkMemory(_ loaded: LoadedModel, length: Int) throws {
      try MemoryCheck.require(
        MemoryPlan.rollout(loaded.model.config, prompts: prompts, n: rollout.n, length: length),
        for: "A rollout of --prompts \(prompts) × --n \(rollout.n)")
    }

    /// Median over repeats of mine / flat.
    func ratio(_ mine: [Run], _ base: [Run], _ f: (Run) -> Double) -> Double {
      median(zip(mine, base).map { f($0) / max(f($1), 1e-9) })
    }

    /// Median over repeats of mine − flat, in points.
    func delta(_ mine: [Run], _ base: [Run], _ f: (Run) -> Double) -> Double {
      median(zip(mine, base).map { 100 * (f($0) - f($1)) })
    }

    /// The flat baseline's settings (the tree-only ones do not apply to it).
    func flatDictionary(_ config: RolloutConfig) -> [String: String] {
      config.dictionary.filter { !$0.key.hasPrefix("tree_") && !$0.key.hasPrefix("prune_") }
    }
  }
}
