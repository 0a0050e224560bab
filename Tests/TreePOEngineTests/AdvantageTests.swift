import Testing
import TreePOEngine

// Hand-computed trees. Prompt 0:  root ─ 1 ─ 3 (r 1)        Prompt 1: root ─ 8 (r 1)
//                                      │   ├ 4 (r 0)
//                                      │   └ 7 (r 1)
//                                      ├ 2 ─ 5 (r 1)
//                                      └ 6 (r 0)   (a leaf at depth 1: uneven depths)
private func path(
  _ prompt: Int, _ nodes: [Int], reward: Float, lengths: [Int]? = nil
) -> Trajectory {
  let lengths = lengths ?? nodes.map { _ in 2 }
  let count = lengths.reduce(0, +)
  return Trajectory(
    prompt: prompt, promptTokens: [1, 2], nodes: nodes, segmentLengths: lengths,
    responseTokens: [Int](repeating: 3, count: count),
    samplingLogprobs: [Float](repeating: -1, count: count), reward: reward, outcome: .finished)
}

private let handTree = [
  path(0, [1, 3], reward: 1), path(0, [1, 4], reward: 0), path(0, [2, 5], reward: 1),
  path(0, [6], reward: 0), path(0, [1, 7], reward: 1), path(1, [8], reward: 1),
]

private func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
  a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance }
}

@Test func treeEstimatorAveragesOverAncestorGroupsAndSkipsSingletons() {
  let result = computeAdvantages(handTree, estimator: .tree, weighting: .average)
  // Prompt 0 mean 0.6, group under node 1 = {1, 0, 1} mean 2/3; node 2's group is a singleton
  // (skipped); prompt 1 has one trajectory: baseline 0 as in the reference.
  let expected: [Float] = [
    (0.4 + 1.0 / 3) / 2, (-0.6 - 2.0 / 3) / 2, 0.4, -0.6, (0.4 + 1.0 / 3) / 2, 1,
  ]
  #expect(close(result.rawScores.map { $0[0] }, expected))
}

@Test func treeEstimatorGroupSizeWeighting() {
  let result = computeAdvantages(handTree, estimator: .tree, weighting: .groupSize)
  // Weights 5 (prompt) and 3 (node 1): (5·0.4 + 3·(1/3)) / 8 = 0.375,
  // (5·−0.6 + 3·−2/3) / 8 = −0.625.
  let expected: [Float] = [0.375, -0.625, 0.4, -0.6, 0.375, 1]
  #expect(close(result.rawScores.map { $0[0] }, expected))
}

@Test func whiteningIsTokenWeightedWithUnbiasedVariance() {
  // Raw scores 0.5 and −0.5 over 1 and 3 tokens: tokens [.5, −.5, −.5, −.5], mean −0.25,
  // unbiased variance 0.75 / 3 = 0.25 → whitened [1.5, −0.5, −0.5, −0.5].
  let batch = [path(0, [1], reward: 1, lengths: [1]), path(0, [2], reward: 0, lengths: [3])]
  let result = computeAdvantages(batch, estimator: .tree)
  #expect(close(result.tokenAdvantages[0], [1.5]))
  #expect(close(result.tokenAdvantages[1], [-0.5, -0.5, -0.5]))
  #expect(result.nodes.map(\.node) == [1, 2])
  #expect(close(result.nodes.map(\.advantage), [1.5, -0.5]))
}

@Test func allEqualRewardsGiveZeroAdvantageForEveryEstimator() {
  for reward: Float in [0, 1] {
    let batch = handTree.map { t -> Trajectory in
      var t = t
      t.reward = reward
      return t
    }
    for estimator in AdvantageEstimator.allCases {
      // Prompt 1's single trajectory keeps its raw reward under tree/grpo (baseline 0), so
      // leave it out: the claim is about groups whose rewards are all equal.
      let result = computeAdvantages(Array(batch.prefix(5)), estimator: estimator)
      let all = result.tokenAdvantages.flatMap { $0 } + result.nodes.map(\.advantage)
      #expect(all.allSatisfy { $0 == 0 }, "\(estimator) reward \(reward): \(all)")
    }
  }
}

@Test func segmentLeafMeanUsesNodeValueDifferences() {
  let result = computeAdvantages(handTree, estimator: .segmentLeafMean)
  // V(root0) = 0.6, V(1) = 2/3, V(2) = 1, V(6) = 0, V(root1) = 1; leaves are their reward.
  let third: Float = 1.0 / 3
  let expected: [[Float]] = [
    [2 * third - 0.6, third], [2 * third - 0.6, -2 * third], [0.4, 0], [-0.6],
    [2 * third - 0.6, third], [0],
  ]
  for (got, want) in zip(result.rawScores, expected) { #expect(close(got, want)) }
  // Tokens: each segment's value over its 2 tokens, whitened with one affine map, so a node's
  // displayed advantage is exactly the value on its own tokens.
  let tokens = result.tokenAdvantages
  #expect(tokens[0].count == 4 && tokens[0][0] == tokens[0][1] && tokens[0][2] == tokens[0][3])
  let node1 = result.nodes.first { $0.node == 1 }!
  let node3 = result.nodes.first { $0.node == 3 }!
  #expect(node1.advantage == tokens[0][0] && node3.advantage == tokens[0][2])
  // The map is increasing: a larger raw segment advantage stays larger.
  #expect(tokens[0][2] > tokens[0][0] && tokens[1][2] < tokens[1][0])
}

@Test func grpoMatchesVerlWithUnbiasedStd() {
  let batch = [
    path(0, [1], reward: 1), path(0, [2], reward: 0), path(0, [3], reward: 0),
    path(0, [4], reward: 1), path(1, [5], reward: 1),
  ]
  let grpo = computeAdvantages(batch, estimator: .grpo)
  // mean 0.5, torch.std (unbiased) = sqrt(1/3); a singleton group: mean 0, std 1.
  let z = Float(0.5 / ((1.0 / 3).squareRoot() + 1e-6))
  #expect(close(grpo.tokenAdvantages.map { $0[0] }, [z, -z, -z, z, Float(1 / (1 + 1e-6))]))
  let dr = computeAdvantages(batch, estimator: .drgrpo)
  #expect(close(dr.tokenAdvantages.map { $0[0] }, [0.5, -0.5, -0.5, 0.5, 1]))
}

@Test func leafLevelNodesShowTheAdvantageTheUpdateGivesTheirTokens() {
  // Node 1 has leaves of 4 and 2 tokens. Its own tokens get one loss term per path, each with that
  // path's advantage and (token-mean) the same weight: the display is the plain mean over paths,
  // not the length-weighted one (which differed by up to 0.36, once with the other sign).
  let batch = [
    path(0, [1, 2], reward: 1, lengths: [2, 2]), path(0, [1, 3], reward: 0, lengths: [2, 0]),
    path(0, [4], reward: 0, lengths: [3]),
  ]
  let result = computeAdvantages(batch, estimator: .tree)
  let leaf = result.tokenAdvantages.map { $0.first ?? .nan }
  // What the loss terms at node 1's first token carry: one per path through node 1.
  let terms = batch.indices.filter { batch[$0].nodes.first == 1 }.map {
    result.tokenAdvantages[$0][0]
  }
  let node1 = result.nodes.first { $0.node == 1 }!.advantage
  #expect(terms.count == 2)
  #expect(abs(node1 - terms.reduce(0, +) / Float(terms.count)) < 1e-6)
  #expect(abs(node1 - (4 * leaf[0] + 2 * leaf[1]) / 6) > 0.01, "not the length-weighted mean")
  #expect(result.nodes.first { $0.node == 2 }!.advantage == leaf[0])
}
