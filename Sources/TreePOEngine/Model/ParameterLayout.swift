// Where each named tensor lives inside the one flat parameter buffer.
//
// Names and shapes follow HF Llama exactly (`model.layers.0.self_attn.q_proj.weight`, [out, in]),
// so a checkpoint maps one-to-one and projections are `y = x·Wᵀ` (NT GEMM, good for decode).
// Order: embedding, then per layer (input norm, q, k, v, o, post-attention norm, gate, up, down),
// final norm, LM head (absent when tied to the embedding). With `attentionBias`, the q, k and v
// biases follow the v weight, adjacent too, so the fused q|k|v GEMM gets one fused bias row.

public struct TensorSpec: Sendable, Equatable {
  public let name: String
  public let shape: [Int]
  public let offset: Int
  public var count: Int { shape.reduce(1, *) }
}

public struct LayerOffsets: Sendable, Equatable {
  public let inputNorm: Int  // [C]
  public let q: Int  // [NH*HD, C]
  public let k: Int  // [NKV*HD, C]
  public let v: Int  // [NKV*HD, C]
  /// q|k|v biases [NH*HD + 2*NKV*HD] (q, k, v adjacent); nil without `attentionBias`.
  public let qkvBias: Int?
  public let o: Int  // [C, NH*HD]
  public let postNorm: Int  // [C]
  public let gate: Int  // [F, C]
  public let up: Int  // [F, C]
  public let down: Int  // [C, F]
}

public struct ParameterLayout: Sendable, Equatable {
  public let config: ModelConfig
  public let tensors: [TensorSpec]
  public let embedding: Int  // [V, C]
  public let layers: [LayerOffsets]
  public let finalNorm: Int  // [C]
  /// Offset of the LM head [V, C]; equals `embedding` when the embedding is tied.
  public let lmHead: Int
  /// Total number of parameters (floats).
  public let count: Int

  public init(_ config: ModelConfig) {
    self.config = config
    let c = config.hiddenSize
    var specs: [TensorSpec] = []
    var cursor = 0
    func add(_ name: String, _ shape: [Int]) -> Int {
      let spec = TensorSpec(name: name, shape: shape, offset: cursor)
      specs.append(spec)
      cursor += spec.count
      return spec.offset
    }
    embedding = add("model.embed_tokens.weight", [config.vocabSize, c])
    var layers: [LayerOffsets] = []
    for l in 0..<config.numLayers {
      let p = "model.layers.\(l)."
      let inputNorm = add(p + "input_layernorm.weight", [c])
      let q = add(p + "self_attn.q_proj.weight", [config.qDim, c])
      let k = add(p + "self_attn.k_proj.weight", [config.kvDim, c])
      let v = add(p + "self_attn.v_proj.weight", [config.kvDim, c])
      var qkvBias: Int?
      if config.attentionBias {
        qkvBias = add(p + "self_attn.q_proj.bias", [config.qDim])
        _ = add(p + "self_attn.k_proj.bias", [config.kvDim])
        _ = add(p + "self_attn.v_proj.bias", [config.kvDim])
      }
      layers.append(
        LayerOffsets(
          inputNorm: inputNorm, q: q, k: k, v: v, qkvBias: qkvBias,
          o: add(p + "self_attn.o_proj.weight", [c, config.qDim]),
          postNorm: add(p + "post_attention_layernorm.weight", [c]),
          gate: add(p + "mlp.gate_proj.weight", [config.intermediateSize, c]),
          up: add(p + "mlp.up_proj.weight", [config.intermediateSize, c]),
          down: add(p + "mlp.down_proj.weight", [c, config.intermediateSize])))
    }
    self.layers = layers
    finalNorm = add("model.norm.weight", [c])
    lmHead = config.tieWordEmbeddings ? embedding : add("lm_head.weight", [config.vocabSize, c])
    tensors = specs
    count = cursor
  }

  public func spec(named name: String) -> TensorSpec? { tensors.first { $0.name == name } }
}
