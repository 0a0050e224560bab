// The sampler's pure helpers: softmax with log-normaliser and entropy, arg-max, and drawing a token
// for a given uniform coin from the full or the top-k/top-p truncated distribution.

extension TokenSampler {
  /// probs = softmax(logits / temperature); returns log Z of the scaled logits and the entropy
  /// H = log Z − Σ p·z (nats). Sums run in Double so a 50k vocabulary stays accurate.
  public static func softmax(
    _ probs: UnsafeMutableBufferPointer<Float>, _ logits: UnsafeBufferPointer<Float>,
    temperature: Float
  ) -> (logZ: Float, entropy: Float) {
    let inverse = 1 / temperature
    var maxZ = -Float.infinity
    for x in logits { maxZ = max(maxZ, x * inverse) }
    var sum = 0.0
    var weighted = 0.0  // Σ e^(z−m)·(z−m)
    for i in 0..<logits.count {
      let shifted = logits[i] * inverse - maxZ
      let e = exp(shifted)
      probs[i] = e
      sum += Double(e)
      weighted += Double(e) * Double(shifted)
    }
    let scale = Float(1 / sum)
    for i in 0..<probs.count { probs[i] *= scale }
    let logSum = log(sum)
    return (maxZ + Float(logSum), Float(logSum - weighted / sum))
  }

  /// Index of the largest logit; the lowest index wins ties.
  public static func argmax(_ logits: UnsafeBufferPointer<Float>) -> Int {
    var best = 0
    for i in 1..<logits.count where logits[i] > logits[best] { best = i }
    return best
  }

  /// The token whose cumulative-probability interval (in id order) contains `coin`.
  public static func draw(_ probs: UnsafeMutableBufferPointer<Float>, coin: Float) -> Int {
    var cumulative: Float = 0
    var last = 0
    for i in 0..<probs.count where probs[i] > 0 {
      cumulative += probs[i]
      last = i
      if coin < cumulative { return i }
    }
    return last  // rounding left the total a hair under the coin
  }

  /// Keeps the top-k tokens, then the smallest most-likely prefix of them whose renormalised mass
  /// reaches `topP`, and draws from that set with `coin`. Returns the token and the kept mass
  /// (under the full distribution). `order` is scratch of the vocabulary's size.
  public static func drawTruncated(
    _ probs: UnsafeMutableBufferPointer<Float>, order: UnsafeMutableBufferPointer<Int32>,
    topK: Int, topP: Float, coin: Float
  ) -> (token: Int, kept: Float) {
    var order = order  // the view, not the memory: sorting writes through it
    for i in 0..<order.count { order[i] = Int32(i) }
    // Most likely first, lower id first on ties, so the kept set is deterministic.
    order.sort { (a: Int32, b: Int32) -> Bool in
      let pa = probs[Int(a)]
      let pb = probs[Int(b)]
      return pa > pb || (pa == pb && a < b)
    }
    var count = topK > 0 ? min(topK, order.count) : order.count
    var topKMass: Float = 0
    for i in 0..<count { topKMass += probs[Int(order[i])] }
    if topP < 1 {
      var cumulative: Float = 0
      for i in 0..<count {
        cumulative += probs[Int(order[i])]
        if cumulative >= topP * topKMass {
          count = i + 1
          break
        }
      }
    }
    var kept: Float = 0
    for i in 0..<count { kept += probs[Int(order[i])] }
    let target = coin * kept
    var cumulative: Float = 0
    for i in 0..<count {
      cumulative += probs[Int(order[i])]
      if target < cumulative { return (Int(order[i]), kept) }
    }
    return (Int(order[count - 1]), kept)
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
