// C = X·Wᵀ for the few rows of a decode step, without OpenBLAS's packing.
//
// With M ≈ 16 rows, OpenBLAS repacks the whole weight matrix on every call and reaches ~25 GFLOP/s
// on this machine kind, where this kernel reaches ~65 (measured side by side, one thread, M=16,
// N=768, K=256). It is register-blocked: 4 rows of X × 2 rows of W = 8 SIMD8 accumulators over
// K (12 did not fit AVX2's 16 registers: the compiler spilled two to the stack), each W row loaded
// once per 4 X rows, and the 8 dot products reduced at the end. X (a few rows) stays in L1 and
// each 2-row block of W is streamed once per 4-row block of X.
// Needs K a multiple of 8 (every width of the bench and task models); otherwise it falls back to
// the one GEMM entry point.

/// c[i, j] (+)= Σ_k x[i, k]·w[j, k] for i < m, j < n: x [m, k] packed, w [n, k] packed (HF
/// [out, in] weights), c with row stride `ldc`; `accumulate` adds to c instead of overwriting.
public func skinnyGemmNT(
  _ c: UnsafeMutablePointer<Float>,  // [m, n], row stride ldc
  _ x: UnsafePointer<Float>,  // [m, k]
  _ w: UnsafePointer<Float>,  // [n, k]
  m: Int, n: Int, k: Int, accumulate: Bool = false, ldc: Int? = nil
) {
  let ldc = ldc ?? n
  guard k % 8 == 0 else {
    gemm(c, x, w, m: m, n: n, k: k, transposeB: true, beta: accumulate ? 1 : 0, ldc: ldc)
    return
  }
  @inline(__always) func put(_ i: Int, _ j: Int, _ v: SIMD8<Float>) {
    let p = c + i * ldc + j
    p.pointee = accumulate ? p.pointee + v.sum() : v.sum()
  }
  var j = 0
  while j + 2 <= n {
    let w0 = w + j * k
    let w1 = w0 + k
    var i = 0
    while i + 4 <= m {
      let x0 = x + i * k
      let x1 = x0 + k
      let x2 = x1 + k
      let x3 = x2 + k
      var a00 = SIMD8<Float>()
      var a01 = SIMD8<Float>()
      var a10 = SIMD8<Float>()
      var a11 = SIMD8<Float>()
      var a20 = SIMD8<Float>()
      var a21 = SIMD8<Float>()
      var a30 = SIMD8<Float>()
      var a31 = SIMD8<Float>()
      var p = 0
      while p < k {
        let b0 = loadSIMD8(w0 + p)
        let b1 = loadSIMD8(w1 + p)
        var v = loadSIMD8(x0 + p)
        a00.addProduct(v, b0)
        a01.addProduct(v, b1)
        v = loadSIMD8(x1 + p)
        a10.addProduct(v, b0)
        a11.addProduct(v, b1)
        v = loadSIMD8(x2 + p)
        a20.addProduct(v, b0)
        a21.addProduct(v, b1)
        v = loadSIMD8(x3 + p)
        a30.addProduct(v, b0)
        a31.addProduct(v, b1)
        p &+= 8
      }
      put(i, j, a00)
      put(i, j + 1, a01)
      put(i + 1, j, a10)
      put(i + 1, j + 1, a11)
      put(i + 2, j, a20)
      put(i + 2, j + 1, a21)
      put(i + 3, j, a30)
      put(i + 3, j + 1, a31)
      i += 4
    }
    while i < m {  // leftover rows of X against this block of W
      let xi = x + i * k
      var a0 = SIMD8<Float>()
      var a1 = SIMD8<Float>()
      var p = 0
      while p < k {
        let v = loadSIMD8(xi + p)
        a0.addProduct(v, loadSIMD8(w0 + p))
        a1.addProduct(v, loadSIMD8(w1 + p))
        p &+= 8
      }
      put(i, j, a0)
      put(i, j + 1, a1)
      i += 1
    }
    j += 2
  }
  while j < n {  // leftover rows of W
    let wj = w + j * k
    for i in 0..<m {
      let xi = x + i * k
      var a = SIMD8<Float>()
      var p = 0
      while p < k {
        a.addProduct(loadSIMD8(xi + p), loadSIMD8(wj + p))
        p &+= 8
      }
      put(i, j, a)
    }
    j += 1
  }
}
