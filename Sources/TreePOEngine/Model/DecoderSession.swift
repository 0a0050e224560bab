// Inference with the paged KV cache: prefill prompts in one batched forward and advance many
// sequences by one token each per step, every projection one GEMM over all rows of the call.
//
// A call covers R rows (token positions), which may belong to different sequences at different
// positions: a step has one row per sequence, a prefill one row per prompt token. Per layer:
//   xn = rmsnorm(x); qkv = xn·[Wq;Wk;Wv]ᵀ (one NT GEMM: the three weights are adjacent in the flat
//   buffer); RoPE on q and k at each row's position; k, v copied into the cache; attention of each
//   row over its own sequence's pages up to its position; x += att·Woᵀ;
//   xn = rmsnorm(x); gu = xn·[Wgate;Wup]ᵀ; h = silu(gate)·up; x += h·Wdownᵀ.
// Logits are computed only for the rows that need them (a step's every row, a prompt's last row).
//
// Weights are read from `model.parameters` on every call, so training updates are seen at once —
// or from the model's compact copy (`Model.useDecodeWeights`, bf16 or Q8_0: decode is
// memory-bound, and its kernels beat OpenBLAS on fp32 for prefills as well), which
// `Model.refreshDecodeWeights` re-derives after an update;
// a call that finds the copy stale (DecodeWeights' probe) refreshes it first.
// All activations are preallocated for `maxRows` rows and `maxBatch` logit rows: a call allocates
// no buffers. Calls larger than `maxRows` rows are split into several forwards automatically.
// Not thread-safe: one decoder per thread, and the cache belongs to it.
// (Named DecoderSession, not Decoder: a module type called Decoder would shadow Swift.Decoder in
// every Codable conformance of the engine.)

public struct DecoderError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

/// Logits rows [B, V] that stay valid until the decoder's next call.
public struct LogitsView {
  public let pointer: UnsafePointer<Float>
  public let rows: Int
  public let vocab: Int

  /// Row `i` [V].
  public subscript(i: Int) -> UnsafeBufferPointer<Float> {
    precondition(i >= 0 && i < rows, "logits row \(i) is outside 0..<\(rows)")
    return UnsafeBufferPointer(start: pointer + i * vocab, count: vocab)
  }
}

public final class DecoderSession {
  public let model: Model
  public let cache: KVCache
  /// Most sequences one call may return logits for.
  public let maxBatch: Int
  /// Most token positions one forward covers (larger calls are split).
  public let maxRows: Int
  /// Threads for the step kernels and attention (1...maxThreads); starts at OpenBLAS's count.
  public var threads: Int {
    didSet { threads = min(max(threads, 1), maxThreads) }
  }
  public let maxThreads: Int
  /// Calls with at most this many rows use the skinny kernel instead of OpenBLAS (0 = never),
  /// for the matrices that have no compact copy.
  public var skinnyRowLimit = 64
  /// Calls with at most this many rows use the model's compact copy (when it has one), prefills
  /// included; larger calls use OpenBLAS on the fp32 weights (0: only OpenBLAS, as `--kernel
  /// blas` measures).
  public var compactRowLimit = Int.max
  /// Instruction set of the compact-weight kernels (default: the widest this CPU has).
  public var kernelISA = DecodeKernelISA.best

  // Activations, [R, ·] with R = maxRows.
  let x: FloatBuffer  // [R, C] residual stream
  let xn: FloatBuffer  // [R, C] normed input of a block
  let qkv: FloatBuffer  // [R, NH·HD + 2·NKV·HD] rows: q | k | v
  let att: FloatBuffer  // [R, NH·HD] attention output
  let gateUp: FloatBuffer  // [R, 2F] rows: gate | up
  let hidden: FloatBuffer  // [R, F] silu(gate)·up
  let finalRows: FloatBuffer  // [maxBatch, C] final-normed rows that need logits
  let logits: FloatBuffer  // [maxBatch, V]
  let scores: FloatBuffer  // [maxThreads, NH/NKV, maxPositions] per worker: one row, one KV head

  // Per-row plan of the current forward (preallocated, R entries).
  var rowTokens: [Int32]
  var rowPositions: [Int32]
  var rowPlan: [Int32]  // index into `planPages` of the row's sequence
  var planPages: [[Int32]]  // page tables of the sequences in this forward
  var logitRows: [Int32]  // for each row: the logits row it fills, or -1
  var chunkSeqs: [SequenceID] = []  // scratch for the cache's atomic append
  var chunkCounts: [Int] = []

  public init(
    model: Model, cache: KVCache, maxBatch: Int = 64, maxRows: Int? = nil, maxThreads: Int = 8
  ) {
    let config = model.config
    precondition(
      cache.numLayers == config.numLayers && cache.kvDim == config.kvDim,
      "the KV cache was made for \(cache.numLayers) layers × \(cache.kvDim), the model has "
        + "\(config.numLayers) × \(config.kvDim)")
    precondition(maxBatch > 0, "maxBatch must be positive")
    let rows = max(maxRows ?? max(maxBatch, config.maxPositions), 1)
    self.model = model
    self.cache = cache
    self.maxBatch = maxBatch
    self.maxRows = rows
    let c = config.hiddenSize
    let f = config.intermediateSize
    x = FloatBuffer(count: rows * c)
    xn = FloatBuffer(count: rows * c)
    qkv = FloatBuffer(count: rows * (config.qDim + 2 * config.kvDim))
    att = FloatBuffer(count: rows * config.qDim)
    gateUp = FloatBuffer(count: rows * 2 * f)
    hidden = FloatBuffer(count: rows * f)
    finalRows = FloatBuffer(count: maxBatch * c)
    logits = FloatBuffer(count: maxBatch * config.vocabSize)
    self.maxThreads = max(maxThreads, 1)
    threads = min(max(BLASThreads.current, 1), self.maxThreads)
    scores = FloatBuffer(count: self.maxThreads * config.groupSize * config.maxPositions)
    rowTokens = [Int32](repeating: 0, count: rows)
    rowPositions = [Int32](repeating: 0, count: rows)
    rowPlan = [Int32](repeating: 0, count: rows)
    logitRows = [Int32](repeating: -1, count: rows)
    planPages = []
    planPages.reserveCapacity(rows)
    chunkSeqs.reserveCapacity(max(rows, maxBatch))
    chunkCounts.reserveCapacity(max(rows, maxBatch))
  }

  /// A decoder with its own cache of `pages` pages (of `pageSize` positions).
  public convenience init(model: Model, pages: Int, pageSize: Int = 16, maxBatch: Int = 64) {
    self.init(
      model: model, cache: KVCache(config: model.config, pageSize: pageSize, capacity: pages),
      maxBatch: maxBatch)
  }
}
