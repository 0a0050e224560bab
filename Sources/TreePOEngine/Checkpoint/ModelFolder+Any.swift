import Foundation

// Any Hugging Face folder of the Llama family, with the tokenizer its tokenizer.json describes:
// the engine's own character vocabulary (WordLevel over single characters) or byte-level BPE.
// The chat template comes from tokenizer_config.json (`chat_template`, a string or the "default"
// entry of a list) or, as transformers 5 saves it, from chat_template.jinja.

extension ModelFolder {
  public static let chatTemplateFile = "chat_template.jinja"

  /// The model, its tokenizer and chat template, every file validated before the weights buffer
  /// is sized. EOS ids of config.json and generation_config.json become the tokenizer's stop ids.
  public static func loadAny(_ url: URL) throws(CheckpointError)
    -> (model: Model, tokenizer: any Tokenizer, chatTemplate: String?)
  {
    let folder = try checkedFolder(url)
    let config = try readConfig(folder)
    let tokenizerPath = path(folder, tokenizerFile)
    let tokenizerBytes = try FileIO.readAll(tokenizerPath)
    let json = try JSONValue.parseCheckpointFile(tokenizerBytes, path: tokenizerPath)
    let tokenizerConfig = try optionalJSON(path(folder, tokenizerConfigFile))
    let tokenizer: any Tokenizer
    switch json["model"]?["type"]?.stringValue {
    case "WordLevel":
      tokenizer = try CharTokenizer(hfTokenizer: tokenizerBytes, path: tokenizerPath)
    default:  // BPE, or a sentence from BPETokenizer naming what it found
      tokenizer = try BPETokenizer(
        hfTokenizer: json, path: tokenizerPath, config: tokenizerConfig,
        extraStopIds: config.eosTokenIds)
    }
    try checkVocabulary(tokenizer.vocabSize, of: config, path: tokenizerPath)
    let weights = try weightFiles(folder)
    let model = Model(config: config)
    try model.layout.load(from: weights.files, source: weights.source, into: model.parameters)
    return (model, tokenizer, try chatTemplate(folder, tokenizerConfig: tokenizerConfig))
  }

  static func optionalJSON(_ path: String) throws(CheckpointError) -> JSONValue? {
    guard FileIO.kind(path) == .file else { return nil }
    let bytes = try FileIO.readAll(path)
    return try JSONValue.parseCheckpointFile(bytes, path: path)
  }

  static func chatTemplate(_ folder: String, tokenizerConfig: JSONValue?) throws(CheckpointError)
    -> String?
  {
    let jinja = path(folder, chatTemplateFile)
    if FileIO.kind(jinja) == .file {
      return String(decoding: try FileIO.readAll(jinja), as: UTF8.self)
    }
    switch tokenizerConfig?["chat_template"] {
    case .string(let text)?: return text
    case .array(let entries)?:
      let named = entries.first { $0["name"]?.stringValue == "default" } ?? entries.first
      return named?["template"]?.stringValue
    default: return nil
    }
  }
}
