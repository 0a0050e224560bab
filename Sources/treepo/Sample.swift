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
    @Option(
      help: ArgumentHelp(
        "A file of prompts instead of held-out problems: one per line; for arith, JSONL lines "
          + "{\"question\": …, \"answer\": …} or {\"prompt\": …, \"answer\": …}."))
    var promptFile: String?
    @OptionGroup var chat: ChatOptions
    @Option(help: "tree | flat.")
    var sampler = SamplerKind.tree
    @Option(help: "Write the events (every trajectory) to this JSONL trace file.")
    var trace: String?
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var rollout: RolloutOptions

    func validate() throws { try Check.atLeast("--prompts", prompts, 1) }

    func run() throws {
      threads.apply()
      let base = try makeTask()
      let loaded = try model.load()
      let task = try loaded.formatted(base, raw: chat.raw)
      let config = rollout.config
      // Checked before the prompts are drawn: a million of them take long to generate.
      let count = promptFile == nil ? prompts : nil
      // (The shortest possible prompt: a lower bound, exact once the prompts are known.)
      if let count { try checkMemory(loaded, prompts: count, length: 1 + config.maxResponseTokens) }
      let texts = try promptTexts(task)
      let length = loaded.rolloutLength(texts, config: config)
      try checkMemory(loaded, prompts: texts.count, length: length)
      let decoder = loaded.segmentDecoder(config: config, prompts: texts.count, maxLength: length)
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

    func checkMemory(_ loaded: LoadedModel, prompts: Int, length: Int) throws {
      try MemoryCheck.require(
        MemoryPlan.rollout(loaded.model.config, prompts: prompts, n: rollout.n, length: length),
        for: "Sampling \(prompts) prompts × --n \(rollout.n)")
    }

    /// The task; an arith prompt file makes it the file's questions.
    func makeTask() throws -> any ReasoningTask {
      let task = try self.task.task.make()
      guard let promptFile, task is ArithTask else { return task }
      return try PromptFile.arith(promptFile)
    }

    func promptTexts(_ task: any ReasoningTask) throws -> [String] {
      guard let promptFile else {
        return (0..<prompts).map {
          task.problem(split: .heldOut, index: $0, sizes: self.task.sizes.range).prompt
        }
      }
      let arith = ((task as? PromptFormattedTask)?.base ?? task) as? ArithTask
      if let count = arith?.fileQuestions.count {
        return (0..<count).map {
          task.problem(split: .heldOut, index: $0, size: ArithTask.fileLevel).prompt
        }
      }
      let text = try PromptFile.read(promptFile)
      let lines = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
      guard !lines.isEmpty else { throw CommandError("The prompt file \(promptFile) is empty.") }
      return lines
    }
  }
}
