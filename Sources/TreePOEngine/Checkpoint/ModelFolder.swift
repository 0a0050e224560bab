import Foundation

// A model is a folder, loadable by transformers as a LlamaForCausalLM (or Qwen2/Mistral):
//   config.json            HF config keys (see HFConfig.swift)
//   generation_config.json optional; its eos_token_id (one or a list) adds stop ids
//   model.safetensors      F32 weights under HF names (F16/BF16 also read), or shards listed by
//                          model.safetensors.index.json (see ModelFolder+Weights.swift)
//   tokenizer.json         HF tokenizers format (CharTokenizer+HF.swift; any folder: BPE too,
//                          see ModelFolder+Any.swift)
//   tokenizer_config.json  lets AutoTokenizer pick the fast tokenizer (written, not required)
//   optimizer.safetensors  optional AdamW state for resuming (see OptimizerState.swift)
// Every file is written atomically, weights first and config last.

public enum ModelFolder {
  public static let configFile = "config.json"
  public static let weightsFile = "model.safetensors"
  public static let tokenizerFile = "tokenizer.json"
  public static let tokenizerConfigFile = "tokenizer_config.json"
  public static let optimizerFile = "optimizer.safetensors"
  public static let generationConfigFile = "generation_config.json"
  public static let weightsIndexFile = "model.safetensors.index.json"

  /// The model and tokenizer of the folder at `url`, every file validated first.
  public static func load(_ url: URL) throws(CheckpointError) -> (Model, CharTokenizer) {
    let (config, weights, tokenizer) = try validatedFiles(url)
    let model = Model(config: config)
    try model.layout.load(from: weights, into: model.parameters)
    return (model, tokenizer)
  }

  /// Writes `model` and `tokenizer` as a folder transformers loads (created if needed).
  public static func save(_ model: Model, tokenizer: CharTokenizer, to url: URL)
    throws(CheckpointError)
  {
    try save(config: model.config, parameters: model.parameters, tokenizer: tokenizer, to: url)
  }

  /// Config, weights and tokenizer of the folder at `url` as a bare parameter buffer.
  public static func loadParameters(_ url: URL) throws(CheckpointError)
    -> (config: ModelConfig, parameters: FloatBuffer, tokenizer: CharTokenizer)
  {
    let (config, weights, tokenizer) = try validatedFiles(url)
    let layout = ParameterLayout(config)
    let parameters = FloatBuffer(count: layout.count, zeroed: false)
    try layout.load(from: weights, into: parameters)
    return (config, parameters, tokenizer)
  }

  /// Reads the folder's files and checks them against each other; nothing is sized from the
  /// config until the weights file has been found to match it.
  private static func validatedFiles(_ url: URL) throws(CheckpointError)
    -> (ModelConfig, [SafetensorsFile], CharTokenizer)
  {
    let folder = try checkedFolder(url)
    let config = try readConfig(folder)
    let tokenizerPath = path(folder, tokenizerFile)
    let tokenizer = try CharTokenizer(
      hfTokenizer: try FileIO.readAll(tokenizerPath), path: tokenizerPath)
    try checkVocabulary(tokenizer.vocabSize, of: config, path: tokenizerPath)
    let weights = try weightFiles(folder)
    try ParameterLayout(config).validate(weights.files, source: weights.source)
    return (config, weights.files, tokenizer)
  }

  /// The folder's path, after checking it is one.
  static func checkedFolder(_ url: URL) throws(CheckpointError) -> String {
    let folder = url.path
    switch FileIO.kind(folder) {
    case .missing: throw .missingFolder(path: folder)
    case .file: throw .notAFolder(path: folder)
    case .directory: return folder
    }
  }

  /// config.json, with generation_config.json's EOS ids added when that file exists.
  static func readConfig(_ folder: String) throws(CheckpointError) -> ModelConfig {
    let configPath = path(folder, configFile)
    var config = try ModelConfig(hfConfig: try FileIO.readAll(configPath), path: configPath)
    let generationPath = path(folder, generationConfigFile)
    if FileIO.kind(generationPath) == .file {
      config.addEOS(try generationEOS(try FileIO.readAll(generationPath), path: generationPath))
    }
    return config
  }

  static func checkVocabulary(_ size: Int, of config: ModelConfig, path: String)
    throws(CheckpointError)
  {
    guard size <= config.vocabSize else {
      throw .badTokenizer(
        path: path,
        reason: "has \(size) tokens but config.json's vocab_size is only \(config.vocabSize)")
    }
  }

  /// Writes the folder (creating it if needed); each file is replaced atomically.
  public static func save(
    config: ModelConfig, parameters: FloatBuffer, tokenizer: CharTokenizer, to url: URL
  ) throws(CheckpointError) {
    let folder = url.path
    try FileIO.makeFolder(folder)
    let layout = ParameterLayout(config)
    try FileIO.writeAtomically(layout.safetensors(parameters), to: path(folder, weightsFile))
    try FileIO.writeAtomically(
      Array((tokenizer.hfTokenizer.serialized() + "\n").utf8), to: path(folder, tokenizerFile))
    try FileIO.writeAtomically(
      Array((tokenizer.hfTokenizerConfig.serialized() + "\n").utf8),
      to: path(folder, tokenizerConfigFile))
    try FileIO.writeAtomically(
      Array((config.hfConfig.serialized() + "\n").utf8), to: path(folder, configFile))
  }

  static func path(_ folder: String, _ file: String) -> String {
    folder.hasSuffix("/") ? folder + file : folder + "/" + file
  }
}
