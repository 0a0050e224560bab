// `treepo eval`: held-out accuracy of a model folder (the bundled one by default).

import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Greedy accuracy, mean@k and pass@k on held-out problems, per size.",
      discussion: """
        Also reports the failure reasons and, from the samples, the mean entropy by token class \
        (first operand, operator, second operand, result…). Problems are indices 0..<N of the \
        held-out split, which never appears in training.
        """)

    @OptionGroup var model: ModelOption
    @Option(help: "Task: \(TaskCatalog.names.joined(separator: " | ")).")
    var task = TaskChoice.countdown
    @Option(
      name: .customLong("numbers"),
      help: ArgumentHelp(
        "Numbers per problem (arith: levels), a size or a range (default: 3-6; arith: "
          + "\(SizeRange(ArithTask.defaultLevels))).", valueName: "numbers"))
    var numbersArgument: SizeRange?
    @Option(help: "Held-out problems per size (with --prompt-file: the file's first N).")
    var problems = 200
    @Option(
      help: "arith: questions from a JSONL file ({\"question\"|\"prompt\": …, \"answer\": …}).")
    var promptFile: String?
    @OptionGroup var chat: ChatOptions
    @Option(help: "response_length: completion tokens at most (default: the model's context).")
    var responseLength: Int?
    @Option(help: "Samples per problem for mean@k / pass@k (0 = greedy only).") var samples = 16
    @Option(help: "Sampling temperature.") var temperature: Float = 1
    @Option(help: "Seed of the samples.") var seed: UInt64 = 0
    @OptionGroup var threads: ThreadOptions
    @Option(help: "Greedy completions to show per size, with their verdicts.") var show = 0
    @Flag(help: "Print JSON instead of the table.") var json = false

    var numbers: SizeRange {
      numbersArgument ?? SizeRange(task.name == "arith" ? ArithTask.defaultLevels : 3...6)
    }

    func validate() throws {
      try numbers.check("--numbers", for: task)
      if promptFile != nil && task.name != "arith" {
        throw ValidationError("--prompt-file is for --task arith (questions with answers).")
      }
      if let responseLength { try Check.atLeast("--response-length", responseLength, 1) }
      try Check.atLeast("--problems", problems, 1)
      try Check.atLeast("--samples", samples, 0)
      try Check.positive("--temperature", temperature)
      try Check.atLeast("--show", show, 0)
    }

    func run() throws {
      threads.apply()
      let loaded = try self.model.load()
      let (folder, model, tokenizer) = (loaded.folder, loaded.model, loaded.tokenizer)
      let base = try promptFile.map(PromptFile.arith) ?? self.task.make()
      let task = try loaded.formatted(base, raw: chat.raw)
      let fileCount = (base as? ArithTask)?.fileQuestions.count ?? 0
      let sizes = promptFile == nil ? Array(numbers.range) : [ArithTask.fileLevel]
      let perSize = promptFile == nil ? problems : min(problems, fileCount)
      let maxTokens = responseLength ?? model.config.maxPositions
      // The cache holds the longest prompt and its reply, not the model's whole context.
      let longest =
        try sizes.flatMap { size in
          try (0..<perSize).map {
            try tokenizer.encode(task.problem(split: .heldOut, index: $0, size: size).prompt).count
          }
        }.max() ?? 0
      let sampler = ModelCompletionSampler(
        model: model, stopTokens: Set(tokenizer.stopIds), maxLength: longest + maxTokens,
        maxPrompt: longest)
      let config = EvaluationConfig(
        sizes: sizes, problemsPerSize: perSize, samples: samples,
        temperature: temperature, maxTokens: maxTokens, seed: seed, examples: show)
      let progress = ProgressLine(label: "eval")
      progress.update(
        fraction: 0,
        fields: ["\(perSize) problems × \(promptFile == nil ? "\(numbers)" : "file") sizes"],
        force: true)
      let evaluator = Evaluator(task: task, tokenizer: tokenizer, sampler: sampler)
      let report = try evaluator.run(config) { done, total in
        progress.update(
          fraction: Double(done) / Double(total), fields: ["size \(done)/\(total)"], force: true)
      }
      progress.endLine()
      if json {
        print(report.json())
      } else {
        print(
          "\(folder.path) on \(promptFile ?? "held-out \(task.name)") (\(perSize) per size, "
            + "\(ProgressLine.duration(progress.elapsed))):")
        print(report.table)
        for r in report.bySize where !r.greedyExamples.isEmpty {
          print("\ngreedy completions, \(r.size) numbers:")
          for example in r.greedyExamples { print("  " + example) }
        }
      }
    }
  }
}
