// AdamW with PyTorch's semantics (torch.optim.AdamW, single-tensor path), step for step:
//   p ← p·(1 − lr·wd)                       (decoupled decay; only tensors it applies to)
//   m ← m + (1 − β1)·(g − m);  v ← β2·v + (1 − β2)·g²
//   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
// Weight decay applies, by default, only to tensors with ≥ 2 dimensions (matrices and the
// embedding, not the norm weights) — the usual grouping, and the one the golden fixtures use.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

public final class AdamW {
  public var learningRate: Float
  public var beta1: Float
  public var beta2: Float
  public var eps: Float
  public var weightDecay: Float
  /// First and second moments, same layout as the parameters.
  public let m: FloatBuffer
  public let v: FloatBuffer
  /// Number of updates taken so far (the `t` of the bias corrections); set it when resuming.
  public var step: Int = 0
  /// (offset, count, decayed) for each tensor of the layout.
  let groups: [(offset: Int, count: Int, decay: Bool)]

  public init(
    layout: ParameterLayout, learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
    eps: Float = 1e-8, weightDecay: Float = 0.01,
    decays: (TensorSpec) -> Bool = { $0.shape.count >= 2 }
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.eps = eps
    self.weightDecay = weightDecay
    m = FloatBuffer(count: layout.count)
    v = FloatBuffer(count: layout.count)
    groups = layout.tensors.map { ($0.offset, $0.count, decays($0)) }
  }

  /// One update of `parameters` from `gradients` (both in the layout given at init), at
  /// `learningRate` unless another rate (e.g. from an `LRSchedule`) is passed.
  public func step(parameters: FloatBuffer, gradients: FloatBuffer, learningRate: Float? = nil) {
    precondition(
      parameters.count == m.count && gradients.count == m.count,
      "AdamW holds \(m.count) moments but got \(parameters.count) parameters and "
        + "\(gradients.count) gradients")
    let lr = learningRate ?? self.learningRate
    step += 1
    let t = Float(step)
    let bias1 = 1 - powf(beta1, t)
    let bias2Sqrt = (1 - powf(beta2, t)).squareRoot()
    let stepSize = lr / bias1
    let w1 = 1 - beta1
    let b2 = beta2
    let w2 = 1 - beta2
    let eps = self.eps
    for group in groups {
      let p = parameters.pointer + group.offset
      let g = gradients.pointer + group.offset
      let m = self.m.pointer + group.offset
      let v = self.v.pointer + group.offset
      let keep = group.decay ? 1 - lr * weightDecay : 1
      parallelRanges(group.count, parts: BLASThreads.current, minimumPerPart: 1 << 15) { r in
        for i in r {
          let gi = g[i]
          let mi = m[i] + w1 * (gi - m[i])
          let vi = b2 * v[i] + w2 * gi * gi
          m[i] = mi
          v[i] = vi
          p[i] = p[i] * keep - stepSize * (mi / (vi.squareRoot() / bias2Sqrt + eps))
        }
      }
    }
  }
}
