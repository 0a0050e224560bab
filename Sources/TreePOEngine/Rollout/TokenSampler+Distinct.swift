// Drawing several different tokens from one distribution (the first tokens of siblings at a branch
// point, `tree_distinct_siblings`): Gumbel-top-k. Each candidate gets the key log p + G with G a
// standard Gumbel draw; the `count` largest keys are a sample without replacement from p (the same
// law as drawing one token, removing it, renormalising, drawing again).
//
// p is the distribution `sample` draws from (temperature, then top-k / top-p truncation). Each
// token's recorded `logprob` stays log softmax(logits / T)[token], the policy's, as for one draw:
// training scores the tokens under the policy, not under the without-replacement scheme that
// chose them (docs/algorithm.md, "Distinct siblings", says what that biases).

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension TokenSampler {
  /// `count` tokens, all different while the truncated distribution has that many candidates
  /// (past that, the drawn ones repeat in key order). Greedy takes the `count` most likely.
  public mutating func sampleDistinct(_ logits: UnsafeBufferPointer<Float>, count: Int)
    -> [SampledToken]
  {
    precondition(count >= 1, "count must be at least 1, got \(count)")
    let v = logits.count
    let temperature = config.isGreedy ? 1 : config.temperature
    var probs = [Float](repeating: 0, count: v)
    let (logZ, entropy) = probs.withUnsafeMutableBufferPointer {
      Self.softmax($0, logits, temperature: temperature)
    }
    // Candidates by probability (ties: lowest id first), truncated as `choose` truncates.
    var candidates = Array(0..<v).sorted {
      probs[$0] > probs[$1] || (probs[$0] == probs[$1] && $0 < $1)
    }
    if config.topK > 0 && config.topK < v { candidates.removeLast(v - config.topK) }
    let mass = candidates.reduce(Float(0)) { $0 + probs[$1] }
    if config.topP < 1 {
      var cumulative: Float = 0
      var keep = 0
      while keep < candidates.count && cumulative < config.topP * mass {
        cumulative += probs[candidates[keep]]
        keep += 1
      }
      candidates.removeLast(candidates.count - max(keep, 1))
    }
    let top = candidates[0]
    candidates.removeAll { probs[$0] <= 0 && $0 != top }
    let kept = candidates.reduce(Float(0)) { $0 + probs[$1] }
    var keyed: [(key: Float, token: Int)]
    if config.isGreedy {
      keyed = candidates.enumerated().map { (Float(-$0.offset), $0.element) }
    } else {
      keyed = candidates.map { token in
        let u = max(random.nextUniform(), Float.leastNormalMagnitude)
        return (log(probs[token]) - log(-log(u)), token)
      }
      keyed.sort { $0.key > $1.key }
    }
    return (0..<count).map { k in
      let token = keyed[k % keyed.count].token
      let logprob = logits[token] / temperature - logZ
      return SampledToken(
        token: token, logprob: logprob,
        samplingLogprob: config.isGreedy ? 0 : logprob - log(kept), entropy: entropy)
    }
  }
}
