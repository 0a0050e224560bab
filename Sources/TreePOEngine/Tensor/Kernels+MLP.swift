// SwiGLU MLP activation: out = silu(gate)·up, silu(g) = g·σ(g).
// The projections around it are GEMMs.

/// out[i] = silu(gate[i])·up[i]; gate and up may be strided views of one [rows, 2F] buffer, so the
/// kernel runs over `rows` rows of `n` elements with separate row strides.
public func swigluForward(
  _ out: UnsafeMutablePointer<Float>,  // [rows, n], stride outStride
  _ gate: UnsafePointer<Float>,  // [rows, n], stride inStride
  _ up: UnsafePointer<Float>,  // [rows, n], stride inStride
  rows: Int, n: Int, inStride: Int? = nil, outStride: Int? = nil
) {
  let inStride = inStride ?? n
  let outStride = outStride ?? n
  for r in 0..<rows {
    let g = gate + r * inStride
    let u = up + r * inStride
    let o = out + r * outStride
    for i in 0..<n {
      let x = g[i]
      o[i] = x / (1 + fastExp(-x)) * u[i]
    }
  }
}

/// dgate += dout·up·σ(g)·(1 + g·(1 − σ(g))), dup += dout·silu(g).
public func swigluBackward(
  _ dgate: UnsafeMutablePointer<Float>,  // [rows, n], stride inStride
  _ dup: UnsafeMutablePointer<Float>,  // [rows, n], stride inStride
  _ dout: UnsafePointer<Float>,  // [rows, n], stride outStride
  _ gate: UnsafePointer<Float>,  // [rows, n], stride inStride
  _ up: UnsafePointer<Float>,  // [rows, n], stride inStride
  rows: Int, n: Int, inStride: Int? = nil, outStride: Int? = nil
) {
  let inStride = inStride ?? n
  let outStride = outStride ?? n
  for r in 0..<rows {
    let g = gate + r * inStride
    let u = up + r * inStride
    let d = dout + r * outStride
    let dg = dgate + r * inStride
    let du = dup + r * inStride
    for i in 0..<n {
      let x = g[i]
      let s = 1 / (1 + fastExp(-x))
      dg[i] += d[i] * u[i] * s * (1 + x * (1 - s))
      du[i] += d[i] * x * s
    }
  }
}
