// Causal grouped-query self-attention for one sequence, as GEMMs per head:
//   S = q_h·k_gᵀ/√HD (g = h / (NH/NKV)), P = causal softmax(S), out_h = P·v_g.
// q, k and v are strided views (e.g. of one fused [T, (NH + 2·NKV)·HD] projection buffer).
// Only the first `length` positions are computed; P is saved for backward as [NH, T, T].

/// Softmax of row t over columns 0...t; columns > t are set to 0.
@inline(__always)
func causalSoftmaxRow(_ row: UnsafeMutablePointer<Float>, t: Int, count: Int) {
  let n = t + 1
  let m = maxElement(row, n)
  for j in 0..<n { row[j] = fastExp(row[j] - m) }
  let inv = 1 / sumElements(row, n)
  for j in 0..<n { row[j] *= inv }
  if n < count { (row + n).update(repeating: 0, count: count - n) }
}

public func attentionForward(
  _ out: UnsafeMutablePointer<Float>,  // [T, NH·HD], row stride outStride
  _ probs: UnsafeMutablePointer<Float>,  // [NH, T, T] saved softmax (first length×length used)
  _ q: UnsafePointer<Float>,  // [T, NH·HD], row stride qStride
  _ k: UnsafePointer<Float>,  // [T, NKV·HD], row stride kvStride
  _ v: UnsafePointer<Float>,  // [T, NKV·HD], row stride kvStride
  length: Int, capacity t: Int, heads: Int, kvHeads: Int, headDim hd: Int,
  qStride: Int, kvStride: Int, outStride: Int
) {
  let group = heads / kvHeads
  let scale = 1 / Float(hd).squareRoot()
  for h in 0..<heads {
    let g = h / group
    let p = probs + h * t * t
    gemm(
      p, q + h * hd, k + g * hd, m: length, n: length, k: hd, transposeB: true, alpha: scale,
      lda: qStride, ldb: kvStride, ldc: t)
    for row in 0..<length { causalSoftmaxRow(p + row * t, t: row, count: length) }
    gemm(
      out + h * hd, p, v + g * hd, m: length, n: hd, k: length, lda: t, ldb: kvStride,
      ldc: outStride)
  }
}

/// dP = dout_h·v_gᵀ; dv_g += Pᵀ·dout_h; dS = P ⊙ (dP − rowsum(P ⊙ dP));
/// dq_h += dS·k_g/√HD; dk_g += dSᵀ·q_h/√HD. `scratch` holds dP/dS for one head.
public func attentionBackward(
  _ dq: UnsafeMutablePointer<Float>,  // [T, NH·HD], row stride qStride
  _ dk: UnsafeMutablePointer<Float>,  // [T, NKV·HD], row stride kvStride
  _ dv: UnsafeMutablePointer<Float>,  // [T, NKV·HD], row stride kvStride
  _ scratch: UnsafeMutablePointer<Float>,  // [T, T]
  _ dout: UnsafePointer<Float>,  // [T, NH·HD], row stride outStride
  _ probs: UnsafePointer<Float>,  // [NH, T, T]
  _ q: UnsafePointer<Float>,  // [T, NH·HD], row stride qStride
  _ k: UnsafePointer<Float>,  // [T, NKV·HD], row stride kvStride
  _ v: UnsafePointer<Float>,  // [T, NKV·HD], row stride kvStride
  length: Int, capacity t: Int, heads: Int, kvHeads: Int, headDim hd: Int,
  qStride: Int, kvStride: Int, outStride: Int
) {
  let group = heads / kvHeads
  let scale = 1 / Float(hd).squareRoot()
  for h in 0..<heads {
    let g = h / group
    let p = probs + h * t * t
    gemm(
      scratch, dout + h * hd, v + g * hd, m: length, n: length, k: hd, transposeB: true,
      lda: outStride, ldb: kvStride, ldc: t)
    gemm(
      dv + g * hd, p, dout + h * hd, m: length, n: hd, k: length, transposeA: true, beta: 1,
      lda: t, ldb: outStride, ldc: kvStride)
    for row in 0..<length {
      let pr = p + row * t
      let dr = scratch + row * t
      let n = row + 1
      let dot = dotProduct(pr, dr, n)
      for j in 0..<n { dr[j] = pr[j] * (dr[j] - dot) }
      if n < length { (dr + n).update(repeating: 0, count: length - n) }
    }
    gemm(
      dq + h * hd, scratch, k + g * hd, m: length, n: hd, k: length, alpha: scale, beta: 1,
      lda: t, ldb: kvStride, ldc: qStride)
    gemm(
      dk + g * hd, scratch, q + h * hd, m: length, n: hd, k: length, transposeA: true,
      alpha: scale, beta: 1, lda: t, ldb: qStride, ldc: kvStride)
  }
}
