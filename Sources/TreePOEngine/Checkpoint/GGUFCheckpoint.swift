// A GGUF file read as an engine model: the architecture's metadata mapped to a ModelConfig, the
// tokenizer metadata, and every tensor checked against the config before anything is allocated.
//
//   {arch}.context_length               → maxPositions
//   {arch}.embedding_length             → hiddenSize (C)
//   {arch}.block_count                  → numLayers (L)
//   {arch}.feed_forward_length          → intermediateSize (F)
//   {arch}.attention.head_count(_kv)    → numHeads, numKVHeads (kv defaults to head_count)
//   {arch}.attention.key_length         → headDim (default C / NH)
//   {arch}.rope.freq_base               → ropeTheta (default 10000)
//   {arch}.attention.layer_norm_rms_epsilon → rmsNormEps
//   tokenizer.ggml.tokens (count)       → vocabSize; tied when `output.weight` is absent;
//   biases when `blk.0.attn_q.bias` is present; EOS ids from eos_token_id and eot_token_id.
// Architectures: `llama` (q/k rows permuted by llama.cpp's converter, undone on load) and `qwen2`
// (not permuted; q/k/v biases). Loading is in GGUFCheckpoint+Load.swift.

public struct GGUFCheckpoint: Sendable {
  public let file: GGUFFile
  /// `general.architecture`.
  public let architecture: String
  public let config: ModelConfig
  public let tokenizer: GGUFTokenizerMetadata
  /// For each engine tensor (by layout order), the GGUF tensor that fills it.
  let sources: [Source]

  struct Source: Sendable {
    let info: GGUFFile.TensorInfo
    let spec: TensorSpec
    /// Heads whose rows llama.cpp interleaved for its RoPE (0 when the rows are as in HF).
    let permutedHeads: Int
  }

  /// Reads and validates the file at `path`; the weights stay in the mapped file until `load`.
  public init(path: String) throws(GGUFError) {
    try self.init(file: try GGUFFile(path: path))
  }

  public init(file: GGUFFile) throws(GGUFError) {
    self.file = file
    let reader = GGUFMetadataReader(file: file)
    architecture = try reader.string("general.architecture")
    guard GGUFError.supportedArchitectures.contains(architecture) else {
      throw .unsupportedArchitecture(path: file.path, architecture: architecture)
    }
    tokenizer = try GGUFTokenizerMetadata(file)
    config = try Self.config(file, architecture: architecture, vocabSize: tokenizer.tokens.count)
    sources = try Self.sources(file, config: config, architecture: architecture)
  }

  /// Bounds that keep every product of sizes far from overflow and every buffer sane.
  static let maxSize = 1 << 20

  static func config(_ file: GGUFFile, architecture arch: String, vocabSize: Int)
    throws(GGUFError) -> ModelConfig
  {
    let r = GGUFMetadataReader(file: file)
    let path = file.path
    let hidden = try r.int("\(arch).embedding_length", in: 1...maxSize)
    let heads = try r.int("\(arch).attention.head_count", in: 1...maxSize)
    let kvKey = "\(arch).attention.head_count_kv"
    let kvHeads = file[kvKey] == nil ? heads : try r.int(kvKey, in: 1...maxSize)
    guard heads % kvHeads == 0 else {
      throw .badValue(
        path: path, key: kvKey, reason: "is \(kvHeads), which does not divide the \(heads) heads")
    }
    let headDimKey = "\(arch).attention.key_length"
    let headDim: Int
    if file[headDimKey] != nil {
      headDim = try r.int(headDimKey, in: 1...maxSize)
    } else {
      guard hidden % heads == 0 else {
        throw .badValue(
          path: path, key: "\(arch).attention.head_count",
          reason: "is \(heads), which does not divide embedding_length \(hidden)")
      }
      headDim = hidden / heads
    }
    guard headDim % 2 == 0 else {
      throw .badValue(path: path, key: headDimKey, reason: "is \(headDim), not even as RoPE needs")
    }
    if let v = try r.optionalInt("\(arch).attention.value_length"), v != headDim {
      throw .badValue(
        path: path, key: "\(arch).attention.value_length",
        reason: "is \(v) but the engine needs it equal to the key length \(headDim)")
    }
    if let rotary = try r.optionalInt("\(arch).rope.dimension_count"), rotary != headDim {
      throw .badValue(
        path: path, key: "\(arch).rope.dimension_count",
        reason: "is \(rotary): RoPE on part of a head (head size \(headDim)) is not supported")
    }
    if let scaling = try r.optionalString("\(arch).rope.scaling.type"), scaling != "none" {
      throw .badValue(
        path: path, key: "\(arch).rope.scaling.type",
        reason: "is \"\(scaling)\": RoPE scaling is not supported")
    }
    let theta = try r.optionalFloat("\(arch).rope.freq_base") ?? 10000
    let epsKey = "\(arch).attention.layer_norm_rms_epsilon"
    guard let eps = try r.optionalFloat(epsKey) else { throw .missingKey(path: path, key: epsKey) }
    guard eps > 0 && eps < 1 else {
      throw .badValue(path: path, key: epsKey, reason: "is \(eps), not between 0 and 1")
    }
    guard theta > 0 && theta.isFinite else {
      throw .badValue(
        path: path, key: "\(arch).rope.freq_base", reason: "is \(theta), not a positive number")
    }
    guard vocabSize >= 1 else {
      throw .badValue(path: path, key: "tokenizer.ggml.tokens", reason: "is empty")
    }
    let eos = try r.optionalInt("tokenizer.ggml.eos_token_id")
    let bos = try r.optionalInt("tokenizer.ggml.bos_token_id")
    var config = ModelConfig(
      vocabSize: vocabSize,
      hiddenSize: hidden,
      intermediateSize: try r.int("\(arch).feed_forward_length", in: 1...maxSize),
      // Each block is at least 9 tensors: a larger count cannot be backed by the file.
      numLayers: try r.int("\(arch).block_count", in: 1...max(1, file.tensors.count / 9)),
      numHeads: heads, numKVHeads: kvHeads, headDim: headDim, rmsNormEps: Float(eps),
      ropeTheta: Float(theta),
      maxPositions: try r.int("\(arch).context_length", in: 1...maxSize),
      tieWordEmbeddings: file.tensor(named: "output.weight") == nil,
      bosTokenId: bos, eosTokenId: eos,
      // Qwen2 always has q/k/v biases, Llama when converted with attention_bias.
      attentionBias: file.tensor(named: "blk.0.attn_q.bias") != nil)
    // Chat models end a turn with their end-of-turn token, which may differ from EOS.
    if let eot = try r.optionalInt("tokenizer.ggml.eot_token_id") { config.addEOS([eot]) }
    return config
  }
}
