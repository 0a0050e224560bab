import Testing
import TreePOEngine

@Suite struct DivergenceTests {
  func scores(_ entropies: [Double], logprobs: [Double]? = nil) -> [PathScore] {
    entropies.indices.map {
      PathScore(meanLogprob: logprobs?[$0] ?? -1, lastSegmentEntropy: entropies[$0])
    }
  }

  func allocate(
    _ policy: DivergencePolicy, _ total: Int, _ s: [PathScore], tau: Float = 1,
    threshold: Float = 0.5, top: Float = 0
  ) -> [Int] {
    policy.allocate(
      total: total, scores: s, w: 2, temperature: tau, threshold: threshold, topFraction: top)
  }

  @Test func entropyGivesMoreChildrenToTheUncertainPath() {
    let a = allocate(.entropy, 8, scores([0.1, 1.5]))
    #expect(a.reduce(0, +) == 8)
    #expect(a[1] > a[0])
    // softmax([0.1, 1.5]) = [0.198, 0.802] → 6 extra: 1.19 / 4.81 → [1+1, 1+5].
    #expect(a == [2, 6])
    // A low temperature sharpens it, a high one flattens it.
    #expect(allocate(.entropy, 8, scores([0.1, 1.5]), tau: 0.1) == [1, 7])
    #expect(allocate(.entropy, 8, scores([0.1, 1.5]), tau: 100) == [4, 4])
  }

  @Test func logprobGivesMoreChildrenToTheUnlikelyPath() {
    let a = allocate(.logprob, 6, scores([1, 1], logprobs: [-0.1, -2.0]))
    #expect(a.reduce(0, +) == 6 && a[1] > a[0])
  }

  @Test func fixedIgnoresTheScores() {
    #expect(allocate(.fixed, 7, scores([5, 0, 0])) == [2, 2, 3])
  }

  @Test func entropyGatedBranchesOnlyUncertainPathsIntoAtMostW() {
    // Only path 1 reaches the threshold: it gets w = 2 children, the others one each,
    // and the rest of the budget is left unused.
    #expect(allocate(.entropyGated, 8, scores([0.1, 0.9, 0.2])) == [1, 2, 1])
    // Nobody gated: every path continues alone.
    #expect(allocate(.entropyGated, 8, scores([0.1, 0.2])) == [1, 1])
    // The budget still caps it: total 3 for 2 gated paths → only the more uncertain branches.
    #expect(allocate(.entropyGated, 3, scores([0.6, 0.9])) == [1, 2])
    // Top fraction: the highest quarter of the round is gated whatever the threshold.
    #expect(
      allocate(.entropyGated, 16, scores([0.1, 0.3, 0.2, 0.05]), threshold: 9, top: 0.25)
        == [1, 2, 1, 1])
  }

  @Test func theGateUsesThresholdOrTopFraction() {
    let s = scores([0.1, 0.5, 0.4, 0.3])
    #expect(
      DivergencePolicy.gate(s, threshold: 0.45, topFraction: 0) == [false, true, false, false])
    #expect(DivergencePolicy.gate(s, threshold: 9, topFraction: 0.5) == [false, true, true, false])
    #expect(DivergencePolicy.gate(s, threshold: 9, topFraction: 0) == [false, false, false, false])
  }

  @Test func inTheSamplerTheUncertainPathGetsTheChildren() throws {
    // Round 1 decodes the root's children; the one whose segment was more uncertain (the fixture
    // gives entropy 2.0 after a 3, 0.1 elsewhere) gets more children under the entropy policy.
    var compared = 0
    var strict = 0
    for seed: UInt64 in 1...12 {
      var config = RolloutFixtures.config(n: 16, policy: .entropy)
      config.divergenceTemperature = 0.25
      let sampler = try RolloutFixtures.sampler(
        config, decoder: RolloutFixtures.decoder(seed: seed), prompts: ["1>"])
      var entropy: [Int: Float] = [:]
      var children: [Int: Int] = [:]
      for e in try sampler.step() {
        if case .segmentDecoded(let s) = e {
          entropy[s.node] = s.entropies.reduce(0, +) / Float(max(s.entropies.count, 1))
        }
        if case .nodeSpawned(let s) = e, s.reason == .divergence {
          children[s.parent!, default: 0] += 1
        }
      }
      let parents = children.keys.sorted()
      guard parents.count == 2, entropy[parents[0]]! != entropy[parents[1]]! else { continue }
      let (low, high) =
        entropy[parents[0]]! < entropy[parents[1]]!
        ? (parents[0], parents[1]) : (parents[1], parents[0])
      #expect(children[high]! >= children[low]!, "seed \(seed)")
      let expected = DivergencePolicy.entropy.allocate(
        total: 4,
        scores: parents.map { PathScore(meanLogprob: 0, lastSegmentEntropy: Double(entropy[$0]!)) },
        w: 2, temperature: 0.25, threshold: 0, topFraction: 0)
      #expect(parents.map { children[$0]! } == expected, "seed \(seed): w·A = 4 shared by softmax")
      if children[high]! > children[low]! { strict += 1 }
      compared += 1
    }
    #expect(compared >= 3 && strict >= 1, "the fixture gives differing entropies for several seeds")
  }
}
