// RMSNorm (HF LlamaRMSNorm): y = x / sqrt(mean(x²) + eps) · w, computed in Float.

/// out[r, :] = x[r, :] · invRms[r] · weight, invRms[r] = 1/sqrt(mean(x[r, :]²) + eps).
/// `invRms` (saved for backward) may be nil at inference.
public func rmsNormForward(
  _ out: UnsafeMutablePointer<Float>,  // [rows, C]
  _ invRms: UnsafeMutablePointer<Float>?,  // [rows]
  _ x: UnsafePointer<Float>,  // [rows, C]
  _ weight: UnsafePointer<Float>,  // [C]
  rows: Int, channels c: Int, eps: Float
) {
  for r in 0..<rows {
    let xr = x + r * c
    let o = out + r * c
    let scale = 1 / (dotProduct(xr, xr, c) / Float(c) + eps).squareRoot()
    invRms?[r] = scale
    for i in 0..<c { o[i] = xr[i] * scale * weight[i] }
  }
}

/// With n = x·s (s = invRms): dweight += Σ_r dout·n;
/// dx += s·(w·dout) − x·s³/C · Σ_i (w·dout·x)_i.
public func rmsNormBackward(
  _ dx: UnsafeMutablePointer<Float>,  // [rows, C]
  _ dweight: UnsafeMutablePointer<Float>,  // [C]
  _ dout: UnsafePointer<Float>,  // [rows, C]
  _ x: UnsafePointer<Float>,  // [rows, C]
  _ weight: UnsafePointer<Float>,  // [C]
  _ invRms: UnsafePointer<Float>,  // [rows]
  rows: Int, channels c: Int
) {
  for r in 0..<rows {
    let xr = x + r * c
    let dor = dout + r * c
    let dxr = dx + r * c
    let s = invRms[r]
    var acc = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= c {
      acc.addProduct(loadSIMD8(weight + i) * loadSIMD8(dor + i), loadSIMD8(xr + i))
      i += 8
    }
    var wdx = acc.sum()
    while i < c {
      wdx += weight[i] * dor[i] * xr[i]
      i += 1
    }
    let k = wdx * s * s * s / Float(c)
    for i in 0..<c {
      dweight[i] += dor[i] * xr[i] * s
      dxr[i] += s * weight[i] * dor[i] - k * xr[i]
    }
  }
}
