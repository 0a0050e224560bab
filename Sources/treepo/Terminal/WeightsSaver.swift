import Foundation
import TreePOEngine

/// The explorer's `w`: the live model as a model folder `treepo-weights-step-N[-K]` (loadable by
/// `--model` and by transformers), written by the checkpoint code into a temporary folder that is
/// renamed into place, so a folder with the final name is always complete.
enum WeightsSaver {
  /// `chatTemplate`: saved with a BPE model's tokenizer so the folder keeps its chat format.
  static func save(
    _ model: Model, tokenizer: any Tokenizer, chatTemplate: String? = nil, step: Int,
    in directory: String
  ) throws -> String {
    let fm = FileManager.default
    let prefix = directory == "." ? "" : directory.hasSuffix("/") ? directory : directory + "/"
    var path = "\(prefix)treepo-weights-step-\(step)"
    var suffix = 2
    while fm.fileExists(atPath: path) {
      path = "\(prefix)treepo-weights-step-\(step)-\(suffix)"
      suffix += 1
    }
    let temporary = "\(path).tmp-\(ProcessInfo.processInfo.processIdentifier)"
    do {
      try ModelFolder.save(
        model, tokenizer: tokenizer, chatTemplate: chatTemplate,
        to: URL(fileURLWithPath: temporary))
      try fm.moveItem(atPath: temporary, toPath: path)
    } catch {
      try? fm.removeItem(atPath: temporary)
      throw WeightsSaveError(path: path, reason: "\(error)")
    }
    return path
  }
}

struct WeightsSaveError: Error, CustomStringConvertible {
  var path: String
  var reason: String
  var description: String { "\(path): \(reason)" }
}
