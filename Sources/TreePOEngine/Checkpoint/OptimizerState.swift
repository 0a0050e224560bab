import Foundation

// AdamW state saved beside the weights for resuming: `optimizer.safetensors` holds the first and
// second moments as flat tensors in parameter-buffer order, and its metadata the step count plus
// free-form training state (RNG seed, data position, …) under `training.<key>`.

public struct OptimizerState {
  public var step: Int
  public let m: FloatBuffer  // [P]
  public let v: FloatBuffer  // [P]
  public var training: [String: String]

  public init(step: Int, m: FloatBuffer, v: FloatBuffer, training: [String: String] = [:]) {
    precondition(m.count == v.count, "moment buffers differ in size: \(m.count) vs \(v.count)")
    self.step = step
    self.m = m
    self.v = v
    self.training = training
  }
}

extension ModelFolder {
  public static func saveOptimizer(_ state: OptimizerState, to url: URL) throws(CheckpointError) {
    let folder = url.path
    try FileIO.makeFolder(folder)
    var metadata = ["format": "treepo-adamw", "step": String(state.step)]
    for (key, value) in state.training { metadata["training." + key] = value }
    let bytes = SafetensorsFile.encode(
      [
        SafetensorsTensor(name: "exp_avg", shape: [state.m.count], data: state.m.pointer),
        SafetensorsTensor(name: "exp_avg_sq", shape: [state.v.count], data: state.v.pointer),
      ], metadata: metadata)
    try FileIO.writeAtomically(bytes, to: path(folder, optimizerFile))
  }

  /// The saved optimizer state, or nil when the folder has none; its size must match the model's
  /// `parameterCount`.
  public static func loadOptimizer(_ url: URL, parameterCount: Int) throws(CheckpointError)
    -> OptimizerState?
  {
    let file = path(url.path, optimizerFile)
    guard FileIO.kind(file) != .missing else { return nil }
    let st = try SafetensorsFile(path: file)
    var buffers: [FloatBuffer] = []
    for name in ["exp_avg", "exp_avg_sq"] {
      guard let t = st.tensor(named: name) else { throw .missingTensor(path: file, tensor: name) }
      guard t.count == parameterCount, t.shape.count == 1 else {
        throw .optimizerSizeMismatch(path: file, found: t.count, expected: parameterCount)
      }
      let buffer = FloatBuffer(count: t.count, zeroed: false)
      st.read(t, into: buffer.pointer)
      buffers.append(buffer)
    }
    guard let stepText = st.metadata["step"] else {
      throw .missingKey(path: file, key: "__metadata__.step")
    }
    guard let step = Int(stepText), step >= 0 else {
      throw .wrongType(
        path: file, key: "__metadata__.step", expected: "a non-negative integer",
        found: "\"\(stepText)\"")
    }
    var training: [String: String] = [:]
    for (key, value) in st.metadata where key.hasPrefix("training.") {
      training[String(key.dropFirst("training.".count))] = value
    }
    return OptimizerState(step: step, m: buffers[0], v: buffers[1], training: training)
  }
}

extension OptimizerState {
  /// The state of `optimizer` (sharing its moment buffers, not copying them) for saving.
  public init(_ optimizer: AdamW, training: [String: String] = [:]) {
    self.init(step: optimizer.step, m: optimizer.m, v: optimizer.v, training: training)
  }
}

extension AdamW {
  /// Continues from a saved state: moments and step count (sizes checked when it was loaded).
  public func restore(_ state: OptimizerState) {
    m.copy(from: state.m)
    v.copy(from: state.v)
    step = state.step
  }
}
