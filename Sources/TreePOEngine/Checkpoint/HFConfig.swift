// ModelConfig ⇄ HF `config.json` (LlamaForCausalLM, Qwen2ForCausalLM, MistralForCausalLM).
// Reading accepts what transformers writes (`rope_theta`, or `rope_parameters.rope_theta` since
// transformers 5; `head_dim` optional) and applies each architecture's config defaults for
// optional keys (HFConfig+Architecture.swift); anything the engine would silently get wrong
// (MLP biases, another activation, RoPE scaling, a sliding window) is refused with the key named.

extension ModelConfig {
  /// Parses `config.json` bytes; `path` names the file in errors.
  public init(hfConfig bytes: [UInt8], path: String) throws(CheckpointError) {
    let json = try JSONValue.parseCheckpointFile(bytes, path: path)
    guard case .object = json else {
      throw .badJSON(path: path, line: 1, column: 1, reason: "expected an object")
    }
    let keys = ConfigKeys(json: json, path: path)
    let family = try HFFamily(keys)
    try keys.refuse("hidden_act", unless: "silu")
    try keys.refuseTrue("mlp_bias")
    if let scaling = json["rope_scaling"], scaling != .null {
      throw .badValue(
        path: path, key: "rope_scaling", reason: "is set, but RoPE scaling is not supported")
    }
    let hidden = try keys.positiveInt("hidden_size")
    let heads = try keys.positiveInt("num_attention_heads")
    let kvHeads = try keys.positiveInt("num_key_value_heads", default: heads)
    guard heads % kvHeads == 0 else {
      throw .badValue(
        path: path, key: "num_key_value_heads",
        reason: "is \(kvHeads), which does not divide num_attention_heads (\(heads))")
    }
    let headDim: Int
    if let given = json["head_dim"], given != .null {
      headDim = try keys.positiveInt("head_dim")
    } else {
      guard hidden % heads == 0 else {
        throw .badValue(
          path: path, key: "hidden_size",
          reason:
            "is \(hidden), not a multiple of num_attention_heads (\(heads)), "
            + "and no head_dim is given"
        )
      }
      headDim = hidden / heads
    }
    guard headDim % 2 == 0 else {
      throw .badValue(path: path, key: "head_dim", reason: "is \(headDim), but RoPE needs it even")
    }
    var ropeTheta = try keys.positiveDouble("rope_theta", default: 10000)
    if let parameters = json["rope_parameters"], parameters != .null {
      let nested = ConfigKeys(json: parameters, path: path, prefix: "rope_parameters.")
      guard case .object = parameters else {
        throw .wrongType(
          path: path, key: "rope_parameters", expected: "an object", found: parameters.typeName)
      }
      try nested.refuse("rope_type", unless: "default")
      ropeTheta = try nested.positiveDouble("rope_theta", default: ropeTheta)
    }
    self.init(
      vocabSize: try keys.positiveInt("vocab_size"),
      hiddenSize: hidden,
      intermediateSize: try keys.positiveInt("intermediate_size"),
      numLayers: try keys.positiveInt("num_hidden_layers"),
      numHeads: heads,
      numKVHeads: kvHeads,
      headDim: headDim,
      rmsNormEps: Float(try keys.positiveDouble("rms_norm_eps", default: 1e-6)),
      ropeTheta: Float(ropeTheta),
      maxPositions: try keys.positiveInt(
        "max_position_embeddings", default: family.defaultMaxPositions),
      tieWordEmbeddings: try keys.bool("tie_word_embeddings", default: false),
      bosTokenId: try keys.tokenIds("bos_token_id").first,
      eosTokenId: nil,
      attentionBias: try family.attentionBias(keys))
    try family.checkSlidingWindow(keys, context: maxPositions)
    addEOS(try keys.tokenIds("eos_token_id"))
  }

  /// The `config.json` transformers writes for this model, with both spellings of the RoPE base
  /// and of the dtype (transformers 5 writes `rope_parameters` and `dtype`, 4 reads `rope_theta`
  /// and `torch_dtype`).
  public var hfConfig: JSONValue {
    func id(_ v: Int?) -> JSONValue { v.map { .int($0) } ?? .null }
    return .object([
      // Biased q/k/v without an o_proj bias is Qwen2's block (see HFConfig+Architecture.swift).
      (
        "architectures",
        .array([.string(attentionBias ? "Qwen2ForCausalLM" : "LlamaForCausalLM")])
      ),
      ("attention_bias", .bool(false)),
      ("attention_dropout", .double(0)),
      ("bos_token_id", id(bosTokenId)),
      ("dtype", .string("float32")),
      (
        "eos_token_id",
        eosTokenIds.count > 1 ? .array(eosTokenIds.map { .int($0) }) : id(eosTokenId)
      ),
      ("head_dim", .int(headDim)),
      ("hidden_act", .string("silu")),
      ("hidden_size", .int(hiddenSize)),
      ("intermediate_size", .int(intermediateSize)),
      ("max_position_embeddings", .int(maxPositions)),
      ("mlp_bias", .bool(false)),
      ("model_type", .string(attentionBias ? "qwen2" : "llama")),
      ("num_attention_heads", .int(numHeads)),
      ("num_hidden_layers", .int(numLayers)),
      ("num_key_value_heads", .int(numKVHeads)),
      ("rms_norm_eps", .double(Double("\(rmsNormEps)") ?? Double(rmsNormEps))),
      (
        "rope_parameters",
        .object([
          ("rope_theta", .double(Double("\(ropeTheta)") ?? Double(ropeTheta))),
          ("rope_type", .string("default")),
        ])
      ),
      ("rope_theta", .double(Double("\(ropeTheta)") ?? Double(ropeTheta))),
      ("tie_word_embeddings", .bool(tieWordEmbeddings)),
      ("torch_dtype", .string("float32")),
      ("use_cache", .bool(true)),
      ("vocab_size", .int(vocabSize)),
    ])
  }
}

/// Typed access to config keys, each failure naming the file and the key.
struct ConfigKeys {
  let json: JSONValue
  let path: String
  var prefix = ""

  func value(_ key: String) -> JSONValue? {
    guard let v = json[key], v != .null else { return nil }
    return v
  }

  func positiveInt(_ key: String, default fallback: Int? = nil) throws(CheckpointError) -> Int {
    guard let v = value(key) else {
      if let fallback { return fallback }
      throw .missingKey(path: path, key: prefix + key)
    }
    guard case .int(let i) = v else {
      throw .wrongType(path: path, key: prefix + key, expected: "an integer", found: v.typeName)
    }
    guard i > 0 else {
      throw .badValue(path: path, key: prefix + key, reason: "is \(i), but must be positive")
    }
    // Sizes multiply into tensor sizes: a damaged value must not overflow them.
    guard i <= 1 << 24 else {
      throw .badValue(
        path: path, key: prefix + key, reason: "is \(i), beyond any model this engine runs")
    }
    return i
  }

  func positiveDouble(_ key: String, default fallback: Double) throws(CheckpointError) -> Double {
    guard let v = value(key) else { return fallback }
    guard let d = v.doubleValue else {
      throw .wrongType(path: path, key: prefix + key, expected: "a number", found: v.typeName)
    }
    guard d > 0, d.isFinite else {
      throw .badValue(path: path, key: prefix + key, reason: "is \(d), but must be positive")
    }
    return d
  }

  func bool(_ key: String, default fallback: Bool) throws(CheckpointError) -> Bool {
    guard let v = value(key) else { return fallback }
    guard let b = v.boolValue else {
      throw .wrongType(path: path, key: prefix + key, expected: "true or false", found: v.typeName)
    }
    return b
  }

  /// Token ids: one, or a list (configs name several EOS ids), or none.
  func tokenIds(_ key: String) throws(CheckpointError) -> [Int] {
    guard let v = value(key) else { return [] }
    var items = [v]
    if case .array(let list) = v { items = list }
    var ids: [Int] = []
    for item in items {
      guard case .int(let i) = item else {
        throw .wrongType(
          path: path, key: prefix + key, expected: "a token id (an integer)", found: item.typeName)
      }
      guard i >= 0 else {
        throw .badValue(path: path, key: prefix + key, reason: "is \(i), but token ids are ≥ 0")
      }
      ids.append(i)
    }
    return ids
  }

  func refuse(_ key: String, unless expected: String) throws(CheckpointError) {
    guard let v = value(key) else { return }
    guard let s = v.stringValue else {
      throw .wrongType(path: path, key: prefix + key, expected: "a string", found: v.typeName)
    }
    guard s == expected else {
      throw .badValue(
        path: path, key: prefix + key,
        reason: "is \"\(s)\", but the engine only runs \"\(expected)\"")
    }
  }

  func refuseTrue(_ key: String) throws(CheckpointError) {
    if try bool(key, default: false) {
      throw .badValue(
        path: path, key: prefix + key, reason: "is true, but the engine has no MLP biases")
    }
  }
}
