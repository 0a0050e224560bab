import CBLAS

// The one GEMM entry point: C[M,N] = alpha · op(A)[M,K] · op(B)[K,N] + beta · C, row-major.
// op(X) = Xᵀ when the matching `transpose` flag is set. Leading dimensions default to the packed ones.

@inline(__always)
public func gemm(
  _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
  m: Int, n: Int, k: Int, transposeA: Bool = false, transposeB: Bool = false,
  alpha: Float = 1, beta: Float = 0, lda: Int? = nil, ldb: Int? = nil, ldc: Int? = nil
) {
  let lda = lda ?? (transposeA ? m : k)
  let ldb = ldb ?? (transposeB ? k : n)
  let ldc = ldc ?? n
  cblas_sgemm(
    CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// Number of threads OpenBLAS uses for every GEMM in this process.
public enum BLASThreads {
  /// Sets the process-wide count. Only a program's start-up calls this (each CLI command, once,
  /// before any engine work): a GEMM's last bits depend on the count, so changing it while other
  /// threads compute makes their results depend on timing. Library code never calls it; engine
  /// types take their thread count as a value.
  public static func set(_ n: Int) { openblas_set_num_threads(Int32(n)) }
  public static var current: Int { Int(openblas_get_num_threads()) }
  public static var coreName: String { String(cString: openblas_get_corename()) }
}
