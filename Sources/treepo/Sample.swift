import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Sample a batch headlessly with the tree (TreePO) or flat (GRPO) sampler.",
      discussion: """
        Prints what the batch cost and scored: the number of trajectories, mean@n and pass@n, the \
        tokens decoded (real forward positions), what flat sampling of the same trajectories \
        would cost, prefix-shared tokens, KV pages peak and wall time. The trajectories \
        themselves (every node's tokens, rewards and outcomes) go to --trace as JSONL; open that \
        file with `treepo replay`.
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOptions
    @Option(help: "Number of held-out problems to sample.")
    var prompts = 8
    @Option(help: "A file of prompts, one per line (instead of held-out problems).")
    var promptFile: String?
    @Option(help: "tree | flat.")
    var sampler = SamplerKind.tree
    @Option(help: "Write the events (every trajectory) to this JSONL trace file.")
    var trace: String?
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var rollout: RolloutOptions

    func validate() throws { try Check.atLeast("--prompts", prompts, 1) }

    func run() throws {
      threads.apply()
      let task = try self.task.task.make()
      let loaded = try model.load()
      let config = rollout.config
      // Checked before the prompts are drawn: a million of them take long to generate.
      let count = promptFile == nil ? prompts : nil
      if let count { try checkMemory(loaded, prompts: count) }
      let texts = try promptTexts(task)
      if count == nil { try checkMemory(loaded, prompts: texts.count) }
      let decoder = ModelSegmentDecoder(
        model: loaded.model, config: config, prompts: texts.count,
        stopTokens: [loaded.tokenizer.eosId])
      let s = try TreeSampler(
        decoder: decoder, task: task, tokenizer: loaded.tokenizer, prompts: texts, config: config,
        kind: sampler)
      var writer: TraceWriter? = nil
      if let trace {
        writer = try FileErrors.explained(path: trace, doing: "write the trace") {
          try TraceWriter(
            url: URL(fileURLWithPath: trace),
            header: TraceHeader(
              model: loaded.name, task: task.name, config: s.configDictionary, seed: config.seed))
        }
      }
      defer { writer?.close() }
      let progress = ProgressLine(label: "sample")
      let expected = Double(texts.count * config.n)
      try s.run { events in
        try? writer?.write(events)
        for case .roundFinished(let r) in events {
          let c = r.counters
          progress.update(
            fraction: Double(c.finished + c.stopped + c.truncated) / expected,
            fields: ["round \(r.round)", "active \(c.active)", "tokens \(c.decodedTokens)"])
        }
      }
      progress.endLine()
      print("model            \(loaded.name) (task \(task.name))")
      for line in s.summary.lines { print(line) }
      if let trace { print("trace            \(trace) (\(writer?.eventsWritten ?? 0) events)") }
    }

    func checkMemory(_ loaded: LoadedModel, prompts: Int) throws {
      try MemoryCheck.require(
        MemoryCheck.rollout(loaded.model.config, prompts: prompts, n: rollout.n),
        for: "Sampling \(prompts) prompts × --n \(rollout.n)")
    }

    func promptTexts(_ task: any ReasoningTask) throws -> [String] {
      guard let promptFile else {
        return (0..<prompts).map {
          task.problem(split: .heldOut, index: $0, sizes: self.task.sizes.range).prompt
        }
      }
      let text: String
      do { text = try String(contentsOfFile: promptFile, encoding: .utf8) } catch {
        throw CommandError(FileErrors.sentence(error, path: promptFile, doing: "read it"))
      }
      let lines = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
      guard !lines.isEmpty else { throw CommandError("The prompt file \(promptFile) is empty.") }
      return lines
    }
  }
}
