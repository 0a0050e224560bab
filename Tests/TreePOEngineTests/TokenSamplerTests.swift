import Foundation
import Testing
import TreePOEngine

@Suite struct TokenSamplerTests {
  /// Logits whose softmax is exactly `probs`.
  func logits(_ probs: [Float]) -> [Float] { probs.map { Float(log(Double($0))) + 3 } }

  func choose(_ config: SamplingConfig, _ logits: [Float], coin: Float) -> SampledToken {
    var sampler = TokenSampler(config: config, seed: 1)
    return logits.withUnsafeBufferPointer { sampler.choose($0, coin: coin) }
  }

  func close(_ a: Float, _ b: Float, _ tolerance: Float = 1e-5) -> Bool { abs(a - b) <= tolerance }

  @Test func greedyTakesTheArgmaxAndReportsTemperatureOneStatistics() {
    let l: [Float] = [0.5, 2, -1, 2, 1]
    let s = choose(.greedy, l, coin: 0.99)
    #expect(s.token == 1)  // the lower id of the two maxima
    let z = l.map { exp(Double($0)) }.reduce(0, +)
    #expect(close(s.logprob, Float(2 - log(z))))
    #expect(s.samplingLogprob == 0)
  }

  @Test func entropyOfKnownDistributions() {
    let half = choose(SamplingConfig(), logits([0.5, 0.25, 0.25]), coin: 0)
    #expect(close(half.entropy, Float(1.5 * log(2.0))))
    let uniform = choose(SamplingConfig(), [7, 7, 7, 7], coin: 0)
    #expect(close(uniform.entropy, Float(log(4.0))))
    let certain = choose(SamplingConfig(), [0, 80, 0], coin: 0.5)
    #expect(certain.token == 1 && close(certain.entropy, 0, 1e-6) && close(certain.logprob, 0))
  }

  @Test func coinSelectsTheCumulativeIntervalInIdOrder() {
    let l = logits([0.1, 0.2, 0.3, 0.4])
    #expect(choose(SamplingConfig(), l, coin: 0.05).token == 0)
    #expect(choose(SamplingConfig(), l, coin: 0.15).token == 1)
    #expect(choose(SamplingConfig(), l, coin: 0.59).token == 2)
    #expect(choose(SamplingConfig(), l, coin: 0.61).token == 3)
    #expect(choose(SamplingConfig(), l, coin: 0.999_999).token == 3)
    let s = choose(SamplingConfig(), l, coin: 0.15)
    #expect(close(s.logprob, log(0.2)) && s.samplingLogprob == s.logprob)
  }

  @Test func temperatureScalesLogitsBeforeEverything() {
    // softmax([2, 0] / 2) = softmax([1, 0]).
    let s = choose(SamplingConfig(temperature: 2), [2, 0], coin: 0)
    let p0 = Float(exp(1.0) / (exp(1.0) + 1))
    #expect(s.token == 0 && close(s.logprob, log(p0)))
    #expect(close(s.entropy, -(p0 * log(p0) + (1 - p0) * log(1 - p0))))
  }

  @Test func topKKeepsOnlyTheKMostLikelyAndRenormalises() {
    let l = logits([0.1, 0.2, 0.3, 0.4])
    let config = SamplingConfig(topK: 2)
    var seen = Set<Int>()
    for i in 0..<100 { seen.insert(choose(config, l, coin: Float(i) / 100).token) }
    #expect(seen == [2, 3])
    // Sorted most likely first: coin < 0.4/0.7 picks token 3.
    let s = choose(config, l, coin: 0.5)
    #expect(s.token == 3)
    #expect(close(s.logprob, log(0.4)))
    #expect(close(s.samplingLogprob, log(0.4 / 0.7)))
    #expect(choose(config, l, coin: 0.6).token == 2)
  }

  @Test func topPKeepsTheSmallestPrefixReachingP() {
    let l = logits([0.1, 0.2, 0.3, 0.4])
    var seen = Set<Int>()
    for i in 0..<100 {
      seen.insert(choose(SamplingConfig(topP: 0.5), l, coin: Float(i) / 100).token)
    }
    #expect(seen == [2, 3])
    let only = choose(SamplingConfig(topP: 0.35), l, coin: 0.9)
    #expect(only.token == 3 && close(only.samplingLogprob, 0))
    // Top-p applies to the top-k survivors, renormalised: 0.4/0.7 ≥ 0.55 keeps one token.
    #expect(choose(SamplingConfig(topK: 2, topP: 0.55), l, coin: 0.9).token == 3)
  }

  @Test func sameSeedSameTokensDifferentSeedDifferentTokens() {
    let l = logits([0.2, 0.2, 0.2, 0.2, 0.2])
    func run(_ seed: UInt64) -> [Int] {
      var sampler = TokenSampler(config: SamplingConfig(temperature: 0.9, topP: 0.95), seed: seed)
      return l.withUnsafeBufferPointer { b in (0..<50).map { _ in sampler.sample(b).token } }
    }
    #expect(run(7) == run(7))
    #expect(run(7) != run(8))
  }

  @Test func sampleFrequenciesFollowTheDistribution() {
    let probs: [Float] = [0.1, 0.2, 0.3, 0.4]
    let l = logits(probs)
    var sampler = TokenSampler(seed: 42)
    var counts = [0, 0, 0, 0]
    let n = 20_000
    l.withUnsafeBufferPointer { b in for _ in 0..<n { counts[sampler.sample(b).token] += 1 } }
    for i in 0..<4 {
      // Four standard deviations of a binomial proportion.
      let sd = (Double(probs[i]) * (1 - Double(probs[i])) / Double(n)).squareRoot()
      #expect(abs(Double(counts[i]) / Double(n) - Double(probs[i])) < 4 * sd)
    }
  }
}
