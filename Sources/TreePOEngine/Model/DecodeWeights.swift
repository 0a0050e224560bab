// The decoder's compact copy of a model's matrices (bf16 or Q8_0; see CompactMatrix), derived
// from the fp32 masters that training updates. Covered: each layer's fused q|k|v, o, fused
// gate|up and down, and the LM head (the embedding when tied) — 99.99% of the bytes a step reads;
// norms, biases and the embedding lookup (one row per token) stay fp32.
//
// The copy must be re-derived after every change of the parameters: `Model.refreshDecodeWeights`
// after an optimizer step, a restore or a checkpoint load. As a safety net the decoder also
// compares a fixed sample of the masters (8 values per matrix) with the values they had at the
// last refresh before each call, and refreshes when one differs — that catches any whole-model
// update (an AdamW step moves every weight), not a hand edit of a few values.

public final class DecodeWeights: @unchecked Sendable {
  public let format: DecodeWeightFormat
  /// By the fp32 matrix's offset in the flat parameter buffer.
  let matrices: [Int: CompactMatrix]
  let probeOffsets: [Int]
  var probeValues: [Float]
  /// Refreshes so far (the first fill included), for tests and the bench.
  public private(set) var refreshes = 0

  /// The compact copy of `layout`'s matrices in `format` (not filled yet).
  init(layout: ParameterLayout, format: DecodeWeightFormat) {
    self.format = format
    var matrices: [Int: CompactMatrix] = [:]
    var probes: [Int] = []
    for (offset, rows, columns) in Self.decodeMatrices(layout) {
      guard let m = CompactMatrix(format: format, rows: rows, columns: columns) else { continue }
      matrices[offset] = m
      let count = rows * columns
      for i in 0..<8 { probes.append(offset + (count * (2 * i + 1)) / 16) }
    }
    self.matrices = matrices
    probeOffsets = probes
    probeValues = [Float](repeating: .nan, count: probes.count)
  }

  /// (offset, rows, columns) of every matrix a decode step multiplies by.
  static func decodeMatrices(_ layout: ParameterLayout) -> [(Int, Int, Int)] {
    let config = layout.config
    let c = config.hiddenSize
    let f = config.intermediateSize
    var list: [(Int, Int, Int)] = []
    for layer in layout.layers {
      list.append((layer.q, config.qDim + 2 * config.kvDim, c))
      list.append((layer.o, c, config.qDim))
      list.append((layer.gate, 2 * f, c))
      list.append((layer.down, c, f))
    }
    list.append((layout.lmHead, config.vocabSize, c))
    return list
  }

  /// The compact copy of the matrix at `offset`, nil when it stays fp32.
  @inline(__always) func matrix(at offset: Int) -> CompactMatrix? { matrices[offset] }

  /// Bytes of the compact copies.
  public var byteCount: Int { matrices.values.reduce(0) { $0 + $1.byteCount } }

  /// Re-derives every compact matrix from `parameters` on up to `threads` threads.
  func refresh(from parameters: FloatBuffer, threads: Int) {
    for (offset, matrix) in matrices.sorted(by: { $0.key < $1.key }) {
      matrix.fill(from: parameters.at(offset), threads: threads)
    }
    for (i, offset) in probeOffsets.enumerated() { probeValues[i] = parameters[offset] }
    refreshes += 1
  }

  /// Whether a probed master value changed since the last refresh (bitwise, so −0 vs 0 counts).
  func isStale(_ parameters: FloatBuffer) -> Bool {
    for (i, offset) in probeOffsets.enumerated()
    where parameters[offset].bitPattern != probeValues[i].bitPattern {
      return true
    }
    return false
  }
}

extension Model {
  /// Decodes with weights in `format` from now on: builds and fills the compact copy (fp32 drops
  /// it). Every DecoderSession of this model uses it from its next call.
  public func useDecodeWeights(_ format: DecodeWeightFormat, threads: Int = 1) {
    guard format != .fp32 else {
      decodeWeights = nil
      return
    }
    let weights = DecodeWeights(layout: layout, format: format)
    weights.refresh(from: parameters, threads: threads)
    decodeWeights = weights
  }

  /// The format decoding uses now.
  public var decodeWeightFormat: DecodeWeightFormat { decodeWeights?.format ?? .fp32 }

  /// Re-derives the compact decode weights from the fp32 parameters (nothing to do in fp32). Call
  /// after every change of `parameters` — an optimizer step, a restore, a checkpoint load — so
  /// the next decode samples from the updated model. About 0.1 s for 135M parameters.
  public func refreshDecodeWeights(threads: Int = 1) {
    decodeWeights?.refresh(from: parameters, threads: threads)
  }
}

extension DecodeWeights {
  /// Bytes of weights one decode step reads in `format` (every decode matrix once; a matrix
  /// Q8_0 cannot hold counts as fp32). Norms and embedding rows are left out (< 0.1%).
  public static func bytesPerStep(_ layout: ParameterLayout, format: DecodeWeightFormat) -> Int {
    decodeMatrices(layout).reduce(0) { sum, m in
      let (_, rows, columns) = m
      let compact = CompactMatrix.fits(format, columns: columns) ? format : .fp32
      return sum + Int(Double(rows * columns) * compact.bytesPerWeight)
    }
  }
}
