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
    @Option(help: "Numbers per problem, a size or a range.") var numbers = SizeRange(3...6)
    @Option(help: "Held-out problems per size.") var problems = 200
    @Option(help: "Samples per problem for mean@k / pass@k (0 = greedy only).") var samples = 16
    @Option(help: "Sampling temperature.") var temperature: Float = 1
    @Option(help: "Seed of the samples.") var seed: UInt64 = 0
    @OptionGroup var threads: ThreadOptions
    @Option(help: "Greedy completions to show per size, with their verdicts.") var show = 0
    @Flag(help: "Print JSON instead of the table.") var json = false

    func validate() throws {
      try numbers.check("--numbers", for: task)
      try Check.atLeast("--problems", problems, 1)
      try Check.atLeast("--samples", samples, 0)
      try Check.positive("--temperature", temperature)
      try Check.atLeast("--show", show, 0)
    }

    func run() throws {
      threads.apply()
      let loaded = try self.model.load()
      let (folder, model, tokenizer) = (loaded.folder, loaded.model, loaded.tokenizer)
      let task = try self.task.make()
      let sampler = ModelCompletionSampler(model: model, stopToken: tokenizer.eosId)
      let config = EvaluationConfig(
        sizes: Array(numbers.range), problemsPerSize: problems, samples: samples,
        temperature: temperature, maxTokens: model.config.maxPositions, seed: seed,
        examples: show)
      let progress = ProgressLine(label: "eval")
      progress.update(
        fraction: 0, fields: ["\(problems) problems × \(numbers) numbers"], force: true)
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
          "\(folder.path) on held-out \(task.name) (\(problems) per size, "
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
