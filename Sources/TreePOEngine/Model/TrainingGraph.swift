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

  public init(model: Model, maxBatch: Int, maxLength: Int) {
    let config = model.config
    precondition(maxBatch > 0 && maxLength > 0, "a training graph needs maxBatch, maxLength > 0")
    precondition(
      maxLength <= config.maxPositions,
      "maxLength \(maxLength) exceeds max_position_embeddings \(config.maxPositions)")
    self.model = model
    self.maxBatch = maxBatch
    self.maxLength = maxLength
    gradients = FloatBuffer(count: model.layout.count)
    let n = maxBatch * maxLength
    let c = config.hiddenSize
    let f = config.intermediateSize
    let v = config.vocabSize
    let qkvDim = config.qDim + 2 * config.kvDim
    let probsCount = maxBatch * config.numHeads * maxLength * maxLength
    let perLayer = 2 * n * c + n + n * qkvDim + probsCount + n * config.qDim + 2 * n * c + n
      + 2 * n * f + n * f
    let total = config.numLayers * perLayer + 2 * n * c + n + n * v + 3 * n
      + 2 * n * c + n * qkvDim + n * config.qDim + 2 * n * f + n * f + n * v
      + maxBatch * maxLength * maxLength + 2 * n
    activations = FloatBuffer(count: total)
    var cursor = activations.pointer
    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
      defer { cursor += count }
      return cursor
    }
    var layers: [Layer] = []
    for _ in 0..<config.numLayers {
      layers.append(
        Layer(
          resid: take(n * c), ln1: take(n * c), rms1: take(n), qkv: take(n * qkvDim),
          probs: take(probsCount), attOut: take(n * config.qDim), resid2: take(n * c),
          ln2: take(n * c), rms2: take(n), gateUp: take(2 * n * f), act: take(n * f)))
    }
    self.layers = layers
    finalResid = take(n * c)
    lnf = take(n * c)
    rmsf = take(n)
    logits = take(n * v)
    logSumExp = take(n)
    targetLogprobs = take(n)
    entropies = take(n)
    dResid = take(n * c)
    dLn = take(n * c)
    dQKV = take(n * qkvDim)
    dAttOut = take(n * config.qDim)
    dGateUp = take(2 * n * f)
    dAct = take(n * f)
    dLogits = take(n * v)
    dScores = take(maxBatch * maxLength * maxLength)
    dLogprobMasked = take(n)
    dEntropyMasked = take(n)
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
}
