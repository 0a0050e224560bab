import Foundation

// The one way a `--model` value becomes a model: a known name (ModelCatalog, installed by
// `treepo models get`), a GGUF file, or a Hugging Face folder (ours or any Llama-family one).
// Each gives the model, its tokenizer and its chat template (nil when it ships none).

public struct ResolvedModel: @unchecked Sendable {
  public let model: Model
  public let tokenizer: any Tokenizer
  /// The Jinja chat template the model ships, verbatim (ChatTemplate recognises it).
  public let chatTemplate: String?
  /// What was loaded, for messages: the known name, or the file or folder name.
  public let name: String
  /// The file or folder that was read.
  public let path: String
}

public struct ModelResolutionError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

public enum ModelResolver {
  /// Resolves `spec` (a path is tried first, then a known name); `environment` locates the cache.
  public static func resolve(
    _ spec: String, environment: [String: String] = ProcessInfo.processInfo.environment,
    threads: Int = 1
  ) throws(ModelResolutionError) -> ResolvedModel {
    switch FileIO.kind(spec) {
    case .directory:
      return try folder(spec)
    case .file:
      guard isGGUF(spec) else {
        throw ModelResolutionError(
          "\(spec): is a file but not a GGUF file; --model takes a known model name, a .gguf "
            + "file or a Hugging Face model folder.")
      }
      return try gguf(spec, name: URL(fileURLWithPath: spec).lastPathComponent, threads: threads)
    case .missing:
      guard let known = ModelCatalog.named(spec) else {
        let names = ModelCatalog.known.map(\.name).joined(separator: ", ")
        throw ModelResolutionError(
          "\(spec): no such model folder or GGUF file, and not a known model name "
            + "(known: \(names)).")
      }
      guard let path = ModelCatalog.installedPath(of: known, environment: environment) else {
        throw ModelResolutionError(
          "\(spec) is not installed yet: run `treepo models get \(spec)` first.")
      }
      return try gguf(path, name: spec, threads: threads)
    }
  }

  static func folder(_ path: String) throws(ModelResolutionError) -> ResolvedModel {
    do {
      let url = URL(fileURLWithPath: path)
      let (model, tokenizer, template) = try ModelFolder.loadAny(url)
      return ResolvedModel(
        model: model, tokenizer: tokenizer, chatTemplate: template,
        name: url.standardized.lastPathComponent, path: path)
    } catch {
      throw ModelResolutionError(error.description)
    }
  }

  static func gguf(_ path: String, name: String, threads: Int) throws(ModelResolutionError)
    -> ResolvedModel
  {
    let checkpoint: GGUFCheckpoint
    do {
      checkpoint = try GGUFCheckpoint(path: path)
    } catch {
      throw ModelResolutionError(error.description)
    }
    let t = checkpoint.tokenizer
    let tokenizer: BPETokenizer
    do {
      tokenizer = try BPETokenizer(
        ggufModel: t.model, pre: t.pre, tokens: t.tokens, merges: t.merges,
        tokenTypes: t.tokenTypes.isEmpty ? nil : t.tokenTypes, bosId: t.bosId, eosId: t.eosId,
        padId: t.paddingId, addBOS: t.addBosToken, source: path)
    } catch {
      throw ModelResolutionError(error.description)
    }
    return ResolvedModel(
      model: checkpoint.loadModel(threads: threads), tokenizer: tokenizer,
      chatTemplate: t.chatTemplate, name: name, path: path)
  }

  /// A GGUF file starts with the magic "GGUF"; the GGUF reader names anything wrong after it.
  static func isGGUF(_ path: String) -> Bool {
    if path.hasSuffix(".gguf") { return true }
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    return (try? handle.read(upToCount: 4)).map { Array($0) } == Array("GGUF".utf8)
  }
}
