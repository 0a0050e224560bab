// The model: its blueprint, where each tensor lives, and the one flat parameter buffer.
// Activations live elsewhere (TrainingGraph for training, the decoder's state for sampling).

public final class Model: @unchecked Sendable {
  public let config: ModelConfig
  public let layout: ParameterLayout
  /// Every parameter, laid out by `layout` (HF names, [out, in] matrices).
  public let parameters: FloatBuffer
  /// RoPE cos/sin for positions 0..<maxPositions.
  public let rope: RopeTable
  /// The decoder's compact copy of the matrices (nil: decode reads the fp32 parameters); see
  /// `useDecodeWeights` and `refreshDecodeWeights`.
  public internal(set) var decodeWeights: DecodeWeights?

  /// A model with all parameters zero; call `initializeWeights` or load a checkpoint.
  public init(config: ModelConfig) {
    precondition(
      config.numHeads % config.numKVHeads == 0,
      "num_attention_heads \(config.numHeads) is not a multiple of num_key_value_heads "
        + "\(config.numKVHeads)")
    precondition(config.headDim % 2 == 0, "head_dim \(config.headDim) must be even for RoPE")
    self.config = config
    layout = ParameterLayout(config)
    parameters = FloatBuffer(count: layout.count)
    rope = RopeTable(config)
    // The training graph fuses q/k/v and gate/up into single GEMMs: they must be adjacent.
    let c = config.hiddenSize
    for l in layout.layers {
      precondition(l.k == l.q + config.qDim * c && l.v == l.k + config.kvDim * c)
      precondition(l.up == l.gate + config.intermediateSize * c)
    }
  }

  /// Matrices ~ N(0, std²) from `seed`, norm weights 1, biases 0 (HF LlamaPreTrainedModel
  /// defaults).
  public func initializeWeights(seed: UInt64, std: Float = 0.02) {
    var rng = SeededRandom(seed: seed)
    for spec in layout.tensors {
      let p = parameters.at(spec.offset)
      if spec.name.hasSuffix(".bias") {
        p.update(repeating: 0, count: spec.count)
      } else if spec.shape.count == 1 {
        p.update(repeating: 1, count: spec.count)
      } else {
        for i in 0..<spec.count { p[i] = rng.nextNormal() * std }
      }
    }
  }

  /// Pointer to the named tensor (nil when the name is unknown).
  public func tensor(named name: String) -> UnsafeMutablePointer<Float>? {
    layout.spec(named: name).map { parameters.at($0.offset) }
  }
}
