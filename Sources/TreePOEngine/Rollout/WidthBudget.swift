// The width budget and the divergence policies: how many children the active paths of one prompt
// get after a round. Pure functions of the round's numbers, so each rule is tested on its own.

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

public enum WidthBudget {
  /// Children to share among the `active` paths of a prompt after a round:
  /// `max(min(n − F, w·f + w·A), A)`, where F counts the prompt's trajectories so far (this round's
  /// included) and f those that ended this round. Every active path gets at least one child.
  public static func total(n: Int, finished: Int, finishedThisRound: Int, active: Int, w: Int)
    -> Int
  {
    max(min(n - finished, w * finishedThisRound + w * active), active)
  }

  /// Shares `total` among `weights.count` paths: one each, the rest in proportion to the weights
  /// by largest remainder (ties to the earlier path), never more than `cap` per path when given.
  /// Non-finite or non-positive weights count as zero; all-zero weights share evenly.
  public static func largestRemainder(total: Int, weights: [Double], cap: Int? = nil) -> [Int] {
    let count = weights.count
    guard count > 0 else { return [] }
    var children = [Int](repeating: 1, count: count)
    var extra = total - count
    if let cap { extra = min(extra, count * (max(cap, 1) - 1)) }
    var clean = weights.map { $0.isFinite && $0 > 0 ? $0 : 0 }
    // Water-filling: share what is left among the paths still below the cap until none is left.
    while extra > 0 {
      let open = (0..<count).filter { cap == nil || children[$0] < cap! }
      guard !open.isEmpty else { break }
      var sum = open.reduce(0.0) { $0 + clean[$1] }
      if sum <= 0 {
        for i in open { clean[i] = 1 }
        sum = Double(open.count)
      }
      var quota: [(index: Int, whole: Int, remainder: Double)] = []
      for i in open {
        let exact = Double(extra) * clean[i] / sum
        var whole = Int(exact.rounded(.down))
        if let cap { whole = min(whole, cap - children[i]) }
        quota.append((i, whole, exact - Double(whole)))
      }
      var given = 0
      for q in quota {
        children[q.index] += q.whole
        given += q.whole
      }
      var left = extra - given
      let order = quota.sorted {
        $0.remainder != $1.remainder
          ? $0.remainder > $1.remainder
          : $0.index < $1.index
      }
      for q in order where left > 0 && (cap == nil || children[q.index] < cap!) {
        children[q.index] += 1
        left -= 1
      }
      if left == extra { break }  // nothing could be placed
      extra = left
    }
    return children
  }

  /// `fixed`: an even split, the remainder to the last path.
  public static func fixedSplit(total: Int, count: Int) -> [Int] {
    guard count > 0 else { return [] }
    let each = max(total / count, 1)
    var children = [Int](repeating: each, count: count)
    children[count - 1] += max(total - each * count, 0)
    return children
  }

  /// softmax(x / τ), computed stably.
  public static func softmax(_ x: [Double], temperature: Double) -> [Double] {
    guard let top = x.max() else { return [] }
    let e = x.map { exp(($0 - top) / temperature) }
    let sum = e.reduce(0, +)
    return e.map { $0 / sum }
  }
}

/// What a policy knows about one active path at the end of a round.
public struct PathScore: Sendable, Equatable {
  /// Mean log-probability of the path's whole response so far.
  public var meanLogprob: Double
  /// Mean token entropy (nats) of the path's last segment.
  public var lastSegmentEntropy: Double
  /// Entropy (nats) at the path's branch token: the highest of its last segment's tokens.
  public var branchEntropy: Double
  public init(meanLogprob: Double, lastSegmentEntropy: Double, branchEntropy: Double = 0) {
    self.meanLogprob = meanLogprob
    self.lastSegmentEntropy = lastSegmentEntropy
    self.branchEntropy = branchEntropy
  }
}

extension DivergencePolicy {
  /// Children per path (each ≥ 1, summing to `total` — except `entropy-gated`, which gives extra
  /// children only to gated paths, at most w each, and may leave part of the budget unused).
  public func allocate(
    total: Int, scores: [PathScore], w: Int, temperature: Float, threshold: Float,
    topFraction: Float
  ) -> [Int] {
    let tau = Double(temperature)
    switch self {
    case .fixed:
      return WidthBudget.fixedSplit(total: total, count: scores.count)
    case .logprob:
      let weights = WidthBudget.softmax(scores.map { -$0.meanLogprob }, temperature: tau)
      return WidthBudget.largestRemainder(total: total, weights: weights)
    case .entropy:
      let weights = WidthBudget.softmax(scores.map { $0.lastSegmentEntropy }, temperature: tau)
      return WidthBudget.largestRemainder(total: total, weights: weights)
    case .branchEntropy:
      let weights = WidthBudget.softmax(scores.map { $0.branchEntropy }, temperature: tau)
      return WidthBudget.largestRemainder(total: total, weights: weights)
    case .entropyGated:
      let gated = Self.gate(scores, threshold: threshold, topFraction: topFraction)
      let softmax = WidthBudget.softmax(scores.map { $0.lastSegmentEntropy }, temperature: tau)
      let weights = softmax.indices.map { gated[$0] ? softmax[$0] : 0 }
      guard gated.contains(true) else { return [Int](repeating: 1, count: scores.count) }
      // Paths that are not gated get exactly one child: share only among the gated ones.
      let gatedIndices = scores.indices.filter { gated[$0] }
      let shared = WidthBudget.largestRemainder(
        total: total - (scores.count - gatedIndices.count),
        weights: gatedIndices.map { weights[$0] }, cap: w)
      var children = [Int](repeating: 1, count: scores.count)
      for (k, i) in gatedIndices.enumerated() { children[i] = shared[k] }
      return children
    }
  }

  /// Which paths may branch under `entropy-gated`: last-segment entropy ≥ threshold, or among the
  /// ceil(topFraction · A) highest of the round.
  public static func gate(_ scores: [PathScore], threshold: Float, topFraction: Float) -> [Bool] {
    var gated = scores.map { $0.lastSegmentEntropy >= Double(threshold) }
    let top = Int((Double(topFraction) * Double(scores.count)).rounded(.up))
    if top > 0 {
      let order = scores.indices.sorted {
        scores[$0].lastSegmentEntropy != scores[$1].lastSegmentEntropy
          ? scores[$0].lastSegmentEntropy > scores[$1].lastSegmentEntropy : $0 < $1
      }
      for i in order.prefix(top) { gated[i] = true }
    }
    return gated
  }
}
