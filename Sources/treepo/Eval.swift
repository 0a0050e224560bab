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

    @Option(help: "Model folder (default: the bundled countdown-tiny).") var model: String?
    @Option(help: "Task: countdown or chain.") var task = "countdown"
    @Option(help: "Numbers per problem, a size or a range.") var numbers = SizeRange(3...6)
    @Option(help: "Held-out problems per size.") var problems = 200
    @Option(help: "Samples per problem for mean@k / pass@k (0 = greedy only).") var samples = 16
    @Option(help: "Sampling temperature.") var temperature: Float = 1
    @Option(help: "Seed of the samples.") var seed: UInt64 = 0
    @Option(help: "OpenBLAS threads.") var threads = 1
    @Option(help: "Greedy completions to show per size, with their verdicts.") var show = 0
    @Flag(help: "Print JSON instead of the table.") var json = false

    func validate() throws {
      guard problems > 0, samples >= 0, temperature > 0, threads > 0 else {
        throw ValidationError(
          "--problems and --threads must be positive, --samples ≥ 0, --temperature > 0.")
      }
    }

    func run() throws {
      BLASThreads.set(threads)
      let folder = try AssetLocator.modelFolder(explicit: model)
      let (model, tokenizer) = try loadModel(folder)
      let task = try TaskCatalog.task(named: task)
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
          r.greedyExamples.forEach { print("  " + $0) }
        }
      }
    }
  }
}

/// Loads a model folder; a missing or damaged one is the checkpoint reader's one sentence.
func loadModel(_ folder: URL) throws -> (Model, CharTokenizer) {
  let (config, parameters, tokenizer) = try ModelFolder.loadParameters(folder)
  let model = Model(config: config)
  model.parameters.copy(from: parameters)
  return (model, tokenizer)
}
