import CDecodeKernels

// A compact copy of one weight matrix for decoding. Decode reads every weight once per step, so
// at batch 1 its speed is the memory bandwidth divided by the bytes per weight: fp32 4, bf16 2,
// Q8_0 1.125 (32 int8 values and one fp32 scale per block). Training keeps the fp32 masters; this
// copy is re-derived from them (`fill`) after they change.

/// How the decoder keeps the matrices it multiplies by (`--decode-weights`).
public enum DecodeWeightFormat: String, CaseIterable, Sendable {
  /// The fp32 parameters themselves (no copy).
  case fp32
  /// The upper 16 bits of each fp32 value, rounded to nearest even (8 bits of mantissa).
  case bf16
  /// Blocks of 32 int8 values with an fp32 scale max|x| / 127 (ggml's Q8_0, fp32 scale).
  case q8 = "q8_0"

  /// What decoding uses unless told otherwise: bf16 once the fp32 weights outgrow the caches
  /// (16M parameters, 64 MB), where a decode step is bound by reading them (docs/benchmarks.md:
  /// bf16 beat Q8_0 at the tree sampler's batch sizes and is 6× closer to fp32); fp32 for the
  /// small task models, whose weights stay in cache.
  public static func preferred(for config: ModelConfig) -> DecodeWeightFormat {
    ParameterLayout(config).count >= 16 << 20 ? .bf16 : .fp32
  }

  public var bytesPerWeight: Double {
    switch self {
    case .fp32: 4
    case .bf16: 2
    case .q8: 1 + 4.0 / Double(TP_Q8_BLOCK)
    }
  }
}

/// The instruction sets the compact kernels come in; `best` is what this CPU runs by default.
public enum DecodeKernelISA: Int, CaseIterable, Sendable, CustomStringConvertible {
  case scalar = 0
  case avx2 = 1
  case avx512 = 2

  public static var best: DecodeKernelISA {
    DecodeKernelISA(rawValue: Int(tp_best_isa().rawValue))!
  }
  public var isSupported: Bool { rawValue <= Self.best.rawValue }
  public var description: String { ["scalar", "avx2", "avx512"][rawValue] }
  var c: tp_isa { tp_isa(rawValue: UInt32(rawValue)) }
}

/// w [rows, columns] (an HF [out, in] weight) in bf16 or Q8_0.
public final class CompactMatrix: @unchecked Sendable {
  public let format: DecodeWeightFormat
  public let rows: Int
  public let columns: Int
  let values: UnsafeMutableRawPointer  // bf16: UInt16 [rows, columns]; q8_0: Int8 [rows, columns]
  let scales: UnsafeMutablePointer<Float>?  // q8_0: [rows, columns / 32]

  /// Storage for a [rows, columns] matrix; nil for fp32, and for Q8_0 when `columns` is not a
  /// multiple of 32 (such a matrix stays fp32).
  public init?(format: DecodeWeightFormat, rows: Int, columns: Int) {
    let block = Int(TP_Q8_BLOCK)
    switch format {
    case .fp32: return nil
    case .bf16:
      values = .allocate(byteCount: max(rows * columns, 1) * 2, alignment: 64)
      scales = nil
    case .q8:
      guard columns % block == 0 else { return nil }
      values = .allocate(byteCount: max(rows * columns, 1), alignment: 64)
      scales = .allocate(capacity: max(rows * columns / block, 1))
    }
    self.format = format
    self.rows = rows
    self.columns = columns
  }

  deinit {
    values.deallocate()
    scales?.deallocate()
  }

  /// Whether a matrix of `columns` columns can be held in `format` (fp32 always).
  public static func fits(_ format: DecodeWeightFormat, columns: Int) -> Bool {
    format != .q8 || columns % Int(TP_Q8_BLOCK) == 0
  }

  public var byteCount: Int { Int(Double(rows * columns) * format.bytesPerWeight) }

  /// Converts rows `range` of `source` [rows, columns] (fp32) into this copy.
  public func fill(from source: UnsafePointer<Float>, rows range: Range<Int>) {
    let k = columns
    let src = source + range.lowerBound * k
    switch format {
    case .fp32: break
    case .bf16:
      tp_f32_to_bf16(
        values.assumingMemoryBound(to: UInt16.self) + range.lowerBound * k, src, range.count * k)
    case .q8:
      tp_quantize_q8_0(
        values.assumingMemoryBound(to: Int8.self) + range.lowerBound * k,
        scales! + range.lowerBound * (k / Int(TP_Q8_BLOCK)), src, range.count, k)
    }
  }

  /// Converts all of `source` [rows, columns], on up to `threads` threads.
  public func fill(from source: UnsafePointer<Float>, threads: Int = 1) {
    let pointer = UnsafeSendable(source)
    parallelRanges(rows, parts: threads, minimumPerPart: 256) { range in
      self.fill(from: pointer.value, rows: range)
    }
  }

  /// c[i, j − outputs.lowerBound] (+)= Σ_p x[i, p] · w[j, p] for i < m, j in `outputs`: x [m,
  /// columns] packed, c with row stride `ldc`.
  public func multiply(
    _ c: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, m: Int, outputs: Range<Int>,
    ldc: Int, accumulate: Bool, isa: DecodeKernelISA = .best
  ) {
    let k = columns
    let j = outputs.lowerBound
    switch format {
    case .fp32: preconditionFailure("an fp32 weight has no compact copy")
    case .bf16:
      tp_gemm_bf16(
        isa.c, c, ldc, x, values.assumingMemoryBound(to: UInt16.self) + j * k, m, outputs.count,
        k, accumulate ? 1 : 0)
    case .q8:
      tp_gemm_q8_0(
        isa.c, c, ldc, x, values.assumingMemoryBound(to: Int8.self) + j * k,
        scales! + j * (k / Int(TP_Q8_BLOCK)), m, outputs.count, k, accumulate ? 1 : 0)
    }
  }

  /// Weight (j, p) as the kernels see it (tests and the scalar reference).
  public func value(_ j: Int, _ p: Int) -> Float {
    switch format {
    case .fp32: preconditionFailure("an fp32 weight has no compact copy")
    case .bf16:
      Float(bitPattern: UInt32(values.assumingMemoryBound(to: UInt16.self)[j * columns + p]) << 16)
    case .q8:
      Float(values.assumingMemoryBound(to: Int8.self)[j * columns + p])
        * scales![j * (columns / Int(TP_Q8_BLOCK)) + p / Int(TP_Q8_BLOCK)]
    }
  }
}

/// Bytes read per second by one pass over a buffer (`treepo bench memory`): returns a sum of the
/// bytes so the reads happen. `bytes` a multiple of 128, `pointer` 64-byte aligned.
public func readBytes(_ pointer: UnsafeRawPointer, count bytes: Int) -> Double {
  tp_read_bytes(pointer, bytes)
}
