// The q/k/v biases of Qwen2-style attention: added to each row of the fused q|k|v projection
// before RoPE, and their gradient is the sum over positions of the same rows' gradient.

/// x[r, 0..<width] += bias for each of `rows` rows of stride `stride`.
func addBiasRows(
  _ x: UnsafeMutablePointer<Float>, _ bias: UnsafePointer<Float>, rows: Int, width: Int,
  stride: Int
) {
  for r in 0..<rows {
    let row = x + r * stride
    for j in 0..<width { row[j] += bias[j] }
  }
}

/// dBias[0..<width] += Σ_r dx[r, 0..<width] (rows of stride `stride`). Padding rows hold zero
/// gradient, so summing them too changes nothing.
func accumulateBiasGradient(
  _ dBias: UnsafeMutablePointer<Float>, _ dx: UnsafePointer<Float>, rows: Int, width: Int,
  stride: Int
) {
  for r in 0..<rows {
    let row = dx + r * stride
    for j in 0..<width { dBias[j] += row[j] }
  }
}
