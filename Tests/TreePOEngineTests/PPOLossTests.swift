import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

@Test func ppoClipFractionsAndLossOnHandCases() {
  // Token 0: A=+1, ratio e^0.5 > 1.28 → clipped high (loss −1.28).
  // Token 1: A=−1, ratio e^−0.5 < 0.8 → clipped low (loss 0.8).
  // Token 2: A=−1, ratio e^1.5 = 4.48 → −A·ratio 4.48 > −A·c = 3 → dual clip (loss 3).
  // Token 3: A=+1, ratio 1 → unclipped (loss −1).
  let tokens = PPOTokens(
    logprobs: [-0.5, -1.5, 0.5, -1], oldLogprobs: [-1, -1, -1, -1], advantages: [1, -1, -1, 1],
    sequenceLengths: [2, 2])
  let result = ppoLoss(tokens, config: PPOConfig())
  let expectedLoss: Double = (-1.28 + 0.8 + 3 - 1) / 4
  #expect(abs(result.loss - expectedLoss) < 1e-6)
  #expect(result.metrics["pg_clipfrac"] == 0.5)
  #expect(result.metrics["pg_clipfrac_lower"] == 0.25)
  let expectedKL: Double = (-0.5 + 0.5 - 1.5 + 0) / 4
  #expect(abs(result.metrics["ppo_kl"]! - expectedKL) < 1e-6)
  // Only the unclipped token carries gradient: −A·ratio / N.
  expectIdenticalFloats("dLogprob", result.dLogprob, [0, 0, 0, -0.25])
}

@Test func ppoSeqMeanTokenMeanWeightsEachSequenceEqually() {
  let weights = aggregationWeights(sequenceLengths: [1, 3], mode: .seqMeanTokenMean)
  let sixth = 1.0 / 6
  expectIdenticalFloats("seq-mean-token-mean weights", weights, [0.5, sixth, sixth, sixth])
  let tokenMean = aggregationWeights(sequenceLengths: [1, 3], mode: .tokenMean)
  expectIdenticalFloats("token-mean weights", tokenMean, [0.25, 0.25, 0.25, 0.25])
}

/// Log-ratios chosen away from the clip boundaries (0.8, 1.28) and the dual-clip cap, so a central
/// difference of ±1e-3 never crosses a kink.
/// Tokens 1 and 6 are clipped (low and high), token 4 hits the dual clip.
private let logRatios: [Float] = [-0.6, -0.5, 0.05, 0.4, 1.3, -1.2, 0.45, 0.15, -0.05]
private let advantages: [Float] = [1.2, -0.7, 0.3, -1.1, -0.4, 0.9, 2.0, -1.5, 0.6]

@Test(arguments: LossAggregation.allCases)
func ppoGradientMatchesFiniteDifferences(aggregation: LossAggregation) {
  var config = PPOConfig()
  config.aggregation = aggregation
  config.klCoef = 0.3
  config.entropyCoef = 0.05
  let old: [Float] = (0..<9).map { -0.3 - 0.2 * Float($0) }
  let tokens = PPOTokens(
    logprobs: zip(old, logRatios).map { $0 + $1 }, oldLogprobs: old, advantages: advantages,
    entropies: (0..<9).map { 0.1 + 0.1 * Float($0) },
    refLogprobs: old.map { $0 + 0.25 }, sequenceLengths: [2, 3, 4])
  let result = ppoLoss(tokens, config: config)
  #expect(result.metrics["pg_clipfrac"]! == 2.0 / 9, "the case must exercise both clips")
  #expect(result.metrics["pg_clipfrac_lower"]! == 1.0 / 9, "the case must exercise the dual clip")
  for i in 0..<9 {
    for entropy in [false, true] {
      var plus = tokens
      var minus = tokens
      let h: Float = 1e-3
      if entropy {
        plus.entropies![i] += h
        minus.entropies![i] -= h
      } else {
        plus.logprobs[i] += h
        minus.logprobs[i] -= h
      }
      let step =
        entropy
        ? Double(plus.entropies![i]) - Double(minus.entropies![i])
        : Double(plus.logprobs[i]) - Double(minus.logprobs[i])
      let numeric =
        (ppoLoss(plus, config: config).loss - ppoLoss(minus, config: config).loss) / step
      let analytic = Double(entropy ? result.dEntropy![i] : result.dLogprob[i])
      let error: Double = abs(numeric - analytic)
      #expect(
        error < 1e-4 * max(1, abs(numeric)),
        "token \(i) \(entropy ? "entropy" : "logprob"): analytic \(analytic), numeric \(numeric)")
    }
  }
}

@Test func ppoWithoutOptionsIsPurePolicyGradientAtRatioOne() {
  // At ratio 1 with no KL or entropy, dL/dlogπ = −A / N exactly (the REINFORCE gradient).
  let tokens = PPOTokens(
    logprobs: [-1, -2, -3], oldLogprobs: [-1, -2, -3], advantages: [0.5, -1, 2],
    entropies: [1, 1, 1], sequenceLengths: [3])
  let result = ppoLoss(tokens, config: PPOConfig())
  #expect(result.dEntropy == nil)
  let expected: [Float] = [Float(-0.5 / 3), Float(1.0 / 3), Float(-2.0 / 3)]
  #expect(result.dLogprob == expected)
  #expect(result.metrics["pg_clipfrac"] == 0 && result.metrics["ppo_kl"] == 0)
  #expect(result.metrics["entropy"] == 1)
}
