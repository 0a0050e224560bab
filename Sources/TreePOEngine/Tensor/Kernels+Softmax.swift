#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Softmax over the vocabulary: per-position log-sum-exp, entropy and target log-probability, and
// the one backward that takes a gradient w.r.t. the target log-probability (g) and, optionally,
// w.r.t. the entropy (h). Max-subtracted, so any finite logits are safe.

/// Per row r with logits z: logSumExp[r] = log Σ e^z; entropy[r] = −Σ p·log p;
/// targetLogprob[r] = z[targets[r]] − logSumExp[r]. Any output may be nil.
public func logSoftmaxForward(
  logSumExp: UnsafeMutablePointer<Float>?,  // [rows]
  entropy: UnsafeMutablePointer<Float>?,  // [rows]
  targetLogprob: UnsafeMutablePointer<Float>?,  // [rows]
  logits: UnsafePointer<Float>,  // [rows, V]
  targets: UnsafePointer<Int32>?,  // [rows]
  rows: Int, vocab: Int
) {
  for r in 0..<rows {
    let z = logits + r * vocab
    let m = maxElement(z, vocab)
    // s = Σ e^(z−m), w = Σ e^(z−m)·(z−m); H = log s − w/s.
    var sAcc = SIMD8<Float>(repeating: 0)
    var wAcc = SIMD8<Float>(repeating: 0)
    var i = 0
    while i + 8 <= vocab {
      var d = loadSIMD8(z + i) - SIMD8(repeating: m)
      let e = fastExp(d)
      sAcc += e
      d *= e
      wAcc += d
      i += 8
    }
    var s = sAcc.sum()
    var w = wAcc.sum()
    while i < vocab {
      let d = z[i] - m
      let e = fastExp(d)
      s += e
      w += e * d
      i += 1
    }
    let logS = log(s)
    let lse = m + logS
    logSumExp?[r] = lse
    entropy?[r] = logS - w / s
    if let targetLogprob, let targets {
      let t = Int(targets[r])
      precondition(t >= 0 && t < vocab, "target id \(t) at row \(r) is outside 0..<\(vocab)")
      targetLogprob[r] = z[t] - lse
    }
  }
}

/// dlogits[r, j] += g·(1[j = t] − p_j) + h·(−p_j·(log p_j + H)), p = softmax(z), H its entropy,
/// g = dLogprob[r], h = dEntropy[r] (0 when nil). Rows with g = h = 0 are skipped (padding).
public func logSoftmaxBackward(
  _ dlogits: UnsafeMutablePointer<Float>,  // [rows, V]
  dLogprob: UnsafePointer<Float>,  // [rows]
  dEntropy: UnsafePointer<Float>?,  // [rows]
  logits: UnsafePointer<Float>,  // [rows, V]
  logSumExp: UnsafePointer<Float>,  // [rows]
  entropy: UnsafePointer<Float>,  // [rows]
  targets: UnsafePointer<Int32>,  // [rows]
  rows: Int, vocab: Int
) {
  for r in 0..<rows {
    let g = dLogprob[r]
    let h = dEntropy?[r] ?? 0
    if g == 0 && h == 0 { continue }
    let z = logits + r * vocab
    let dz = dlogits + r * vocab
    let lse = logSumExp[r]
    let hH = h * entropy[r]
    // dz_j = −p_j·(g + h·(log p_j + H)) = −p_j·(g + h·H − h·lse + h·z_j)
    let c0 = g + hH - h * lse
    for j in 0..<vocab {
      let lp = z[j] - lse
      let p = fastExp(lp)
      dz[j] -= p * (c0 + h * z[j])
    }
    dz[Int(targets[r])] += g
  }
}
