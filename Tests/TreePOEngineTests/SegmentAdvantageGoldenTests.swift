import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// Both segment-level estimators against Fixtures/advantage/segment.json, which
// scripts/golden/make_advantage_fixtures.py wrote by running the released TreePO functions
// (tree-segment) and treepo's definition in numpy (segment-leaf-mean) on random trees: uneven
// depths, several prompts, one prompt with a single trajectory, fractional rewards.

private struct Case {
  let trajectories: [Trajectory]
  let expected: [String: (raw: [[Double]], tokens: [[Double]])]
}

private func loadCases() throws -> [Case] {
  let root = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
  let url = root.appendingPathComponent("Fixtures/advantage/segment.json")
  let json = try #require(
    try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
  let cases = try #require(json["cases"] as? [[String: Any]])
  return try cases.map { c in
    let paths = try #require(c["trajectories"] as? [[String: Any]])
    let trajectories = try paths.map { p in
      let lengths = try #require(p["segment_lengths"] as? [Int])
      let count = lengths.reduce(0, +)
      return Trajectory(
        prompt: try #require(p["prompt"] as? Int), promptTokens: [1],
        nodes: try #require(p["nodes"] as? [Int]), segmentLengths: lengths,
        responseTokens: [Int](repeating: 2, count: count),
        samplingLogprobs: [Float](repeating: -1, count: count),
        reward: Float(try #require(p["reward"] as? Double)), outcome: .finished)
    }
    var expected: [String: (raw: [[Double]], tokens: [[Double]])] = [:]
    for name in ["tree-segment", "segment-leaf-mean"] {
      let e = try #require(c[name] as? [String: Any])
      expected[name] = (
        try #require(e["raw"] as? [[Double]]), try #require(e["tokens"] as? [[Double]])
      )
    }
    return Case(trajectories: trajectories, expected: expected)
  }
}

@Suite struct SegmentAdvantageGoldenTests {
  @Test(arguments: [AdvantageEstimator.treeSegment, .segmentLeafMean])
  func matchesTheFixture(estimator: AdvantageEstimator) throws {
    let cases = try loadCases()
    #expect(cases.count == 3)
    for (i, c) in cases.enumerated() {
      let result = computeAdvantages(c.trajectories, estimator: estimator)
      let expected = try #require(c.expected[estimator.rawValue])
      expectCloseFloats(
        "case \(i) \(estimator.rawValue) raw segment advantages",
        result.rawScores.flatMap { $0 }.map(Double.init), expected.raw.flatMap { $0 },
        tolerance: 1e-6)
      expectCloseFloats(
        "case \(i) \(estimator.rawValue) token advantages",
        result.tokenAdvantages.flatMap { $0 }.map(Double.init), expected.tokens.flatMap { $0 },
        tolerance: 2e-5)
    }
  }

  @Test func theTwoEstimatorsDiffer() throws {
    // The released estimator is not treepo's under another name: on the largest tree their
    // whitened token advantages differ by more than 1.
    let c = try #require(try loadCases().last)
    let released = computeAdvantages(c.trajectories, estimator: .treeSegment)
    let leafMean = computeAdvantages(c.trajectories, estimator: .segmentLeafMean)
    let gap =
      zip(
        released.tokenAdvantages.flatMap { $0 }, leafMean.tokenAdvantages.flatMap { $0 }
      ).map { abs($0 - $1) }.max() ?? 0
    #expect(gap > 1)
  }
}
