// The Llama-family architectures the engine runs from a Hugging Face config.json. They share the
// engine's block (RMSNorm, GQA attention with half-split RoPE, SwiGLU MLP) and differ only in
// defaults, in q/k/v biases and in Mistral's sliding window, which the engine does not implement.

enum HFFamily {
  case llama, qwen2, mistral

  /// From `model_type` (or, without one, `architectures`); anything else is refused by name.
  init(_ keys: ConfigKeys) throws(CheckpointError) {
    let known: [(type: String, architecture: String, family: HFFamily)] = [
      ("llama", "LlamaForCausalLM", .llama), ("qwen2", "Qwen2ForCausalLM", .qwen2),
      ("mistral", "MistralForCausalLM", .mistral),
    ]
    let supported = known.map(\.architecture).joined(separator: ", ")
    if let type = keys.value("model_type") {
      guard let name = type.stringValue else {
        throw .wrongType(
          path: keys.path, key: "model_type", expected: "a string", found: type.typeName)
      }
      guard let match = known.first(where: { $0.type == name }) else {
        throw .badValue(
          path: keys.path, key: "model_type",
          reason: "is \"\(name)\", but the engine runs only llama, qwen2 and mistral")
      }
      self = match.family
    } else {
      self = .llama  // our own early folders and hand-written configs say nothing
    }
    // A causal-LM head of another family on top (or a sequence classifier) is refused too.
    guard case .array(let names)? = keys.value("architectures") else { return }
    for item in names {
      guard let name = item.stringValue else { continue }
      guard let match = known.first(where: { $0.architecture == name }) else {
        throw .badValue(
          path: keys.path, key: "architectures",
          reason: "names \(name), but the engine runs only \(supported)")
      }
      self = match.family
    }
  }

  /// transformers' default `max_position_embeddings` for the family.
  var defaultMaxPositions: Int {
    switch self {
    case .llama: 2048
    case .qwen2: 32768
    case .mistral: 4096 * 32
    }
  }

  /// Qwen2 always has q/k/v biases (its config has no key for them). Llama's `attention_bias`
  /// also puts one on o_proj, which the engine's layout has no slot for; Mistral has none.
  func attentionBias(_ keys: ConfigKeys) throws(CheckpointError) -> Bool {
    if self == .qwen2 { return true }
    if try keys.bool("attention_bias", default: false) {
      throw .badValue(
        path: keys.path, key: "attention_bias",
        reason: "is true, which in Llama also biases o_proj, but the engine has q/k/v biases only "
          + "(as Qwen2 uses them)")
    }
    return false
  }

  /// The engine attends over the whole context: a window smaller than it would change results.
  func checkSlidingWindow(_ keys: ConfigKeys, context: Int) throws(CheckpointError) {
    let defaultWindow: Int?
    switch self {
    case .llama: return
    case .qwen2:
      // Qwen2Config drops the window unless use_sliding_window is true.
      guard try keys.bool("use_sliding_window", default: false) else { return }
      defaultWindow = 4096
    case .mistral: defaultWindow = 4096
    }
    let window: Int?
    if keys.json["sliding_window"] == nil {
      window = defaultWindow
    } else if keys.value("sliding_window") == nil {
      window = nil  // explicit null: full attention
    } else {
      window = try keys.positiveInt("sliding_window")
    }
    if let window, window < context {
      throw .badValue(
        path: keys.path, key: "sliding_window",
        reason: "is \(window), smaller than the context of \(context) positions, but the engine "
          + "has no sliding-window attention")
    }
  }
}
