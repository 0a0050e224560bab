import Foundation

// Saving a model with whichever tokenizer it came with: the character vocabulary writes our own
// folder (ModelFolder.save), byte-level BPE writes tokenizer.json from the tokenizer's tables and
// the chat template as chat_template.jinja, so a model trained from a GGUF file or an HF folder
// reloads with `--model FOLDER` (ModelFolder.loadAny) and tokenizes exactly as before. Each file is
// atomic (temp + rename); weights first, config.json last.

extension ModelFolder {
  public static func save(
    _ model: Model, tokenizer: any Tokenizer, chatTemplate: String? = nil, to url: URL
  ) throws(CheckpointError) {
    if let chars = tokenizer as? CharTokenizer {
      try save(model, tokenizer: chars, to: url)
      return
    }
    let folder = url.path
    guard let bpe = tokenizer as? BPETokenizer else {
      throw .badTokenizer(
        path: path(folder, tokenizerFile),
        reason: "a \(type(of: tokenizer)) tokenizer cannot be saved (only character and BPE)")
    }
    try FileIO.makeFolder(folder)
    try FileIO.writeAtomically(
      model.layout.safetensors(model.parameters), to: path(folder, weightsFile))
    try FileIO.writeAtomically(
      Array((bpe.hfTokenizer.serialized(indent: nil) + "\n").utf8),
      to: path(folder, tokenizerFile))
    try FileIO.writeAtomically(
      Array((bpe.hfTokenizerConfig(chatTemplate: chatTemplate).serialized() + "\n").utf8),
      to: path(folder, tokenizerConfigFile))
    if let chatTemplate {
      try FileIO.writeAtomically(Array(chatTemplate.utf8), to: path(folder, chatTemplateFile))
    }
    try FileIO.writeAtomically(
      Array((model.config.hfConfig.serialized() + "\n").utf8), to: path(folder, configFile))
  }
}
