// The training-time forward/backward of the decoder over B ragged sequences padded to T positions
// (llm.c style): every activation lives in one allocation sized for maxBatch × maxLength, the
// forward and backward are flat lists of kernel calls, and nothing is allocated per step.
//
// Rows are the N = B·T positions, row-major [B, T]. Positions ≥ a sequence's length are padding:
// attention is causal and padding rows get zero gradient, so they never affect valid positions.
// q/k/v (and gate/up) are adjacent in the parameter layout, so each pair or triple is one GEMM
// whose output is a fused buffer read through strided views.
//
// Not thread-safe: one graph per training thread.

public final class TrainingGraph {
  public let model: Model
  public let maxBatch: Int
  public let maxLength: Int
  /// d(objective)/d(parameters), same layout as `model.parameters`. `backward` accumulates.
  public let gradients: FloatBuffer
  /// Threads for the work between GEMMs (row-parallel kernels, per-sequence attention);
  /// nil follows the OpenBLAS thread count.
  public var threads: Int?
  var parts: Int { threads ?? BLASThreads.current }

  /// Sequences and padded length of the last `forward`.
  public internal(set) var batch = 0
  public internal(set) var length = 0
  public internal(set) var lengths: [Int] = []

  /// Outputs of the last forward, [B, T] row-major (padding positions hold 0).
  public let logits: UnsafeMutablePointer<Float>  // [B, T, V]
  public let targetLogprobs: UnsafeMutablePointer<Float>  // [B, T]
  public let entropies: UnsafeMutablePointer<Float>  // [B, T]

  struct Layer {
    let resid: UnsafeMutablePointer<Float>  // [N, C] layer input (residual stream)
    let ln1: UnsafeMutablePointer<Float>  // [N, C]
    let rms1: UnsafeMutablePointer<Float>  // [N]
    let qkv: UnsafeMutablePointer<Float>  // [N, NH·HD + 2·NKV·HD], q and k after RoPE
    let probs: UnsafeMutablePointer<Float>  // [B, NH, T, T]
    let attOut: UnsafeMutablePointer<Float>  // [N, NH·HD]
    let resid2: UnsafeMutablePointer<Float>  // [N, C] after the attention residual
    let ln2: UnsafeMutablePointer<Float>  // [N, C]
    let rms2: UnsafeMutablePointer<Float>  // [N]
    let gateUp: UnsafeMutablePointer<Float>  // [N, 2F]: gate | up
    let act: UnsafeMutablePointer<Float>  // [N, F] silu(gate)·up
  }

  let layers: [Layer]
  let finalResid: UnsafeMutablePointer<Float>  // [N, C]
  let lnf: UnsafeMutablePointer<Float>  // [N, C]
  let rmsf: UnsafeMutablePointer<Float>  // [N]
  let logSumExp: UnsafeMutablePointer<Float>  // [N]
  // Backward scratch.
  let dResid: UnsafeMutablePointer<Float>  // [N, C]
  let dLn: UnsafeMutablePointer<Float>  // [N, C]
  let dQKV: UnsafeMutablePointer<Float>  // [N, QKV]
  let dAttOut: UnsafeMutablePointer<Float>  // [N, NH·HD]
  let dGateUp: UnsafeMutablePointer<Float>  // [N, 2F]
  let dAct: UnsafeMutablePointer<Float>  // [N, F]
  let dLogits: UnsafeMutablePointer<Float>  // [N, V]
  let dScores: UnsafeMutablePointer<Float>  // [B, T, T], one T×T scratch per sequence
  let dLogprobMasked: UnsafeMutablePointer<Float>  // [N]
  let dEntropyMasked: UnsafeMutablePointer<Float>  // [N]

  let activations: FloatBuffer
  // Token ids with padding replaced by 0, targets likewise, and each row's position.
  let tokens: UnsafeMutablePointer<Int32>  // [N]
  let targets: UnsafeMutablePointer<Int32>  // [N]
  let positions: UnsafeMutablePointer<Int32>  // [N]

  /// A graph that only runs `forward` (the KL reference policy): no gradients, no backward
  /// scratch, and one set of layer buffers that every layer reuses in turn.
  public let forwardOnly: Bool

  public init(model: Model, maxBatch: Int, maxLength: Int, forwardOnly: Bool = false) {
    let config = model.config
    precondition(maxBatch > 0 && maxLength > 0, "a training graph needs maxBatch, maxLength > 0")
    precondition(
      maxLength <= config.maxPositions,
      "maxLength \(maxLength) exceeds max_position_embeddings \(config.maxPositions)")
    self.model = model
    self.maxBatch = maxBatch
    self.maxLength = maxLength
    self.forwardOnly = forwardOnly
    gradients = FloatBuffer(count: forwardOnly ? 0 : model.layout.count)
    let n = maxBatch * maxLength
    let c = config.hiddenSize
    let f = config.intermediateSize
    let v = config.vocabSize
    let qkvDim = config.qDim + 2 * config.kvDim
    let probsCount = maxBatch * config.numHeads * maxLength * maxLength
    let total = Self.activationCount(
      config, maxBatch: maxBatch, maxLength: maxLength, forwardOnly: forwardOnly)
    let backward = forwardOnly ? 0 : 1  // backward scratch sizes are multiplied by this
    activations = FloatBuffer(count: total)
    var cursor = activations.pointer
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
      defer { cursor += count }
      return cursor
    }
    var layers: [Layer] = []
    for _ in 0..<(forwardOnly ? 1 : config.numLayers) {
      layers.append(
        Layer(
          resid: take(n * c), ln1: take(n * c), rms1: take(n), qkv: take(n * qkvDim),
          probs: take(probsCount), attOut: take(n * config.qDim), resid2: take(n * c),
          ln2: take(n * c), rms2: take(n), gateUp: take(2 * n * f), act: take(n * f)))
    }
    // Forward only: every layer reads its input from `resid` and writes its output there too
    // (after the block has used it), so one set serves them all.
    self.layers = forwardOnly ? Array(repeating: layers[0], count: config.numLayers) : layers
    finalResid = take(n * c)
    lnf = take(n * c)
    rmsf = take(n)
    logits = take(n * v)
    logSumExp = take(n)
    targetLogprobs = take(n)
    entropies = take(n)
    dResid = take(backward * n * c)
    dLn = take(backward * n * c)
    dQKV = take(backward * n * qkvDim)
    dAttOut = take(backward * n * config.qDim)
    dGateUp = take(backward * 2 * n * f)
    dAct = take(backward * n * f)
    dLogits = take(backward * n * v)
    dScores = take(backward * maxBatch * maxLength * maxLength)
    dLogprobMasked = take(backward * n)
    dEntropyMasked = take(backward * n)
    precondition(cursor == activations.pointer + total, "activation layout miscounted")
    tokens = .allocate(capacity: 3 * n)
    tokens.initialize(repeating: 0, count: 3 * n)
    targets = tokens + n
    positions = tokens + 2 * n
  }

  deinit { tokens.deallocate() }

  public func zeroGradients() {
    let g = gradients.pointer
    parallelRanges(gradients.count, parts: parts, minimumPerPart: 1 << 16) { r in
      (g + r.lowerBound).update(repeating: 0, count: r.count)
    }
  }

  /// Number of floats in the activation allocation (for memory reports).
  public var activationCount: Int { activations.count }

  /// Floats of the activation allocation of a graph of `maxBatch` × `maxLength` (MemoryPlan's
  /// figure; `init` checks its own layout against it).
  public static func activationCount(
    _ config: ModelConfig, maxBatch: Int, maxLength: Int, forwardOnly: Bool = false
  ) -> Int {
    let n = maxBatch * maxLength
    let c = config.hiddenSize
    let f = config.intermediateSize
    let v = config.vocabSize
    let qkvDim = config.qDim + 2 * config.kvDim
    let square = maxBatch * maxLength * maxLength
    let perLayer =
      4 * n * c + 2 * n + n * qkvDim + config.numHeads * square + n * config.qDim + 3 * n * f
    let output = 2 * n * c + n + n * v + 3 * n  // final norm, logits, log-sum-exp, outputs
    let backward = 2 * n * c + n * qkvDim + n * config.qDim + 3 * n * f + n * v + square + 2 * n
    return (forwardOnly ? 1 : config.numLayers) * perLayer + output
      + (forwardOnly ? 0 : backward)
  }
}
