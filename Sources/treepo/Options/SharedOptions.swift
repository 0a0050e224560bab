// The flags several commands share, each declared once with its help and its check.

import ArgumentParser
import Foundation
import TreePOEngine

/// `--model`: what to load (see `loadModel`).
struct ModelOption: ParsableArguments {
  @Option(help: "Model folder (default: the bundled model).")
  var model: String?

  func load() throws -> LoadedModel { try loadModel(model) }
}

/// `--task` and `--sizes` of the commands that draw held-out or training problems.
struct TaskOptions: ParsableArguments {
  @Option(help: "Task: \(TaskCatalog.names.joined(separator: " | ")).")
  var task = TaskChoice.countdown
  @Option(help: "Problem sizes (numbers per problem): a size or a range, e.g. 4 or 3-5.")
  var sizes = SizeRange(4...4)

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
  var tokenizer: CharTokenizer
  var name: String
  var folder: URL
}

/// The one place a command turns its `--model` (nil: the bundled model) into weights; other kinds
/// of model reference belong here, so every command accepts them alike. A missing or damaged model
/// is the checkpoint reader's one sentence.
func loadModel(_ argument: String?) throws -> LoadedModel {
  let folder = try AssetLocator.modelFolder(explicit: argument)
  let (model, tokenizer) = try ModelFolder.load(folder)
  return LoadedModel(
    model: model, tokenizer: tokenizer, name: folder.standardized.lastPathComponent,
    folder: folder)
}
