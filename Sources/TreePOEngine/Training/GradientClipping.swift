// Global gradient-norm clipping (torch.nn.utils.clip_grad_norm_): when the L2 norm over all
// gradients exceeds maxNorm, scale them all by maxNorm / (norm + 1e-6).

/// Clips `gradients` in place and returns the norm measured before clipping.
@discardableResult
public func clipGradientNorm(_ gradients: FloatBuffer, maxNorm: Float) -> Float {
  // Sum of squares in Double in chunks: millions of Float terms would otherwise lose digits.
  var total: Double = 0
  let chunk = 4096
  var start = 0
  while start < gradients.count {
    let n = min(chunk, gradients.count - start)
    total += Double(dotProduct(gradients.pointer + start, gradients.pointer + start, n))
    start += n
  }
  let norm = Float(total.squareRoot())
  let coefficient = maxNorm / (norm + 1e-6)
  if coefficient < 1 {
    let p = gradients.pointer
    for i in 0..<gradients.count { p[i] *= coefficient }
  }
  return norm
}
