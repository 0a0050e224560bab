// The flags several commands share, each declared once with its help and its check.

import ArgumentParser
import Foundation
import TreePOEngine

/// `--model`: what to load (see `loadModel`).
struct ModelOption: ParsableArguments {
  @Option(
    help:
      "Model: a known name (treepo models), a .gguf file or a model folder (default: the bundled model)."
  )
  var model: String?
  @Option(
    help: ArgumentHelp(
      "Weights decoding reads: fp32 | bf16 | q8_0 (default: bf16 for models of 16M+ parameters, "
        + "where decoding is memory-bound; fp32 below). Training updates fp32 weights either way."))
  var decodeWeights: DecodeWeightFormat?

  /// The model, with its decode weights in the chosen (or preferred) format.
  func load(threads: Int = 1) throws -> LoadedModel {
    let loaded = try loadModel(model, threads: threads)
    loaded.model.useDecodeWeights(
      decodeWeights ?? .preferred(for: loaded.model.config), threads: threads)
    return loaded
  }
}

extension DecodeWeightFormat: ExpressibleByArgument {}

/// `--task` and `--sizes` of the commands that draw held-out or training problems.
struct TaskOptions: ParsableArguments {
  @Option(
    name: .customLong("task"),
    help: ArgumentHelp(
      "Task: \(TaskCatalog.names.joined(separator: " | ")) (default: countdown; the explorer on "
        + "a text model: arith).", valueName: "task"))
  var taskArgument: TaskChoice?

  var task: TaskChoice { taskArgument ?? .countdown }

  /// The task for a model: the one asked for, else arith for a model that writes text (byte-level
  /// BPE) and countdown for the task models.
  func task(forText text: Bool) -> TaskChoice { taskArgument ?? (text ? .arith : .countdown) }

  /// The sizes for `choice`: --sizes (checked against it) or its default.
  func sizes(for choice: TaskChoice) throws -> ClosedRange<Int> {
    guard let sizesArgument else { return choice.defaultSizes }
    try sizesArgument.check("--sizes", for: choice)
    return sizesArgument.range
  }
  @Option(
    name: .customLong("sizes"),
    help: ArgumentHelp(
      "Problem sizes (countdown: numbers per problem; arith: levels): a size or a range, e.g. 4 "
        + "or 3-5 (default: 4; arith: \(SizeRange(ArithTask.defaultLevels))).",
      valueName: "sizes"))
  var sizesArgument: SizeRange?

  var sizes: SizeRange { sizesArgument ?? SizeRange(task.defaultSizes) }

  func validate() throws { try sizes.check("--sizes", for: task) }
}

/// `--threads`: OpenBLAS threads, set once per process at the start of `run()`.
struct ThreadOptions: ParsableArguments {
  @Option(help: "OpenBLAS threads.")
  var threads = 1

  static let limit = 256

  func validate() throws { try Check.inRange("--threads", threads, 1...Self.limit) }

  func apply() { BLASThreads.set(threads) }
}

/// A model ready to sample from and train, with its tokenizer and the name shown for it.
struct LoadedModel {
  var model: Model
  var tokenizer: any Tokenizer
  /// The chat template the model ships (nil for the task models, which have none).
  var chatTemplate: String?
  var name: String
  /// The folder or GGUF file that was read.
  var folder: URL
}

/// The one place a command turns its `--model` into weights: nil is the bundled model; otherwise
/// a known name (`treepo models`), a GGUF file or a Hugging Face folder (ModelResolver), so every
/// command accepts them alike. A missing or damaged model is the reader's one sentence.
func loadModel(_ argument: String?, threads: Int = 1) throws -> LoadedModel {
  let path = try argument ?? AssetLocator.modelFolder(explicit: nil).path
  let resolved = try ModelResolver.resolve(path, threads: threads)
  return LoadedModel(
    model: resolved.model, tokenizer: resolved.tokenizer, chatTemplate: resolved.chatTemplate,
    name: resolved.name, folder: URL(fileURLWithPath: resolved.path))
}
