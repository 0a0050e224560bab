// Advantage estimators: pure functions of a batch of trajectories (their tree paths and rewards).
//
// Every estimator returns one advantage per response token of every trajectory (what the PPO loss
// uses) and one displayable advantage per tree node (what the explorer shows), so the explorer can
// never show a number the update did not use. Formulas: docs/algorithm.md, "Advantages".

public enum AdvantageEstimator: String, Sendable, CaseIterable, Codable {
  /// TreePO's default (reference `tree_reinforce_plus_plus_baseline`): per leaf, the mean over
  /// ancestor groups of (reward − group mean), whitened over the batch's response tokens.
  case tree
  /// TreePO's released segment-level estimator (reference
  /// `tree_segment_reinforce_plus_plus_baseline`): rewards reshaped by the leaf's ancestor groups,
  /// node values the mean of their children's, V(root) = 0; segment advantage V(node) − V(parent),
  /// whitened over the batch's response tokens.
  case treeSegment = "tree-segment"
  /// treepo's own segment-level estimator: node value V = mean reward of the leaves below, V(root)
  /// = the prompt's mean, segment advantage V(node) − V(parent); whitened like `tree-segment`.
  case segmentLeafMean = "segment-leaf-mean"
  /// Flat GRPO: (r − group mean) / (group std + 1e-6), std unbiased (torch.std, as verl).
  case grpo
  /// Dr. GRPO: r − group mean, no std division.
  case drgrpo
}

/// How the tree estimator combines a leaf's per-depth advantages (reference `adv_weight_strategy`).
public enum TreeWeighting: String, Sendable, CaseIterable, Codable {
  /// Plain mean over the kept depths (the released TreePO config).
  case average
  /// Weighted by each group's size.
  case groupSize = "group_size"
}

public struct AdvantageResult: Sendable, Equatable {
  /// Per trajectory, one advantage per response token (`responseTokens.count` values).
  public var tokenAdvantages: [[Float]]
  /// Per trajectory, the scalar before broadcast and whitening (leaf-level estimators); for the
  /// segment-level estimator, its raw segment advantages, one per node on its path.
  public var rawScores: [[Float]]
  /// One displayable advantage per node that appears on some trajectory's path.
  public var nodes: [NodeAdvantage]
}

/// A tree node within a batch: node ids are unique within a rollout, the prompt makes it certain.
struct NodeKey: Hashable {
  var prompt: Int
  var node: Int
}

/// Computes the advantages of `trajectories` (one rollout batch) with `estimator`.
public func computeAdvantages(
  _ trajectories: [Trajectory], estimator: AdvantageEstimator,
  weighting: TreeWeighting = .average
) -> AdvantageResult {
  switch estimator {
  case .tree:
    let scores = treeBaselineScores(trajectories, weighting: weighting)
    var tokens = broadcast(scores, over: trajectories)
    let whitening = whitenTokens(&tokens)
    return leafLevelResult(trajectories, scores: scores, tokens: tokens, whitening: whitening)
  case .treeSegment, .segmentLeafMean:
    let segments =
      estimator == .treeSegment
      ? treeSegmentAdvantages(trajectories) : leafMeanSegmentAdvantages(trajectories)
    var tokens = zip(trajectories, segments).map { trajectory, values in
      spread(values, over: trajectory.segmentLengths)
    }
    let whitening = whitenTokens(&tokens)
    return segmentLevelResult(
      trajectories, segments: segments, tokens: tokens, whitening: whitening)
  case .grpo, .drgrpo:
    let scores = grpoScores(trajectories, divideByStd: estimator == .grpo)
    let tokens = broadcast(scores, over: trajectories)
    return leafLevelResult(trajectories, scores: scores, tokens: tokens, whitening: .identity)
  }
}

/// Each trajectory's scalar copied to each of its response tokens.
func broadcast(_ scores: [Float], over trajectories: [Trajectory]) -> [[Float]] {
  zip(scores, trajectories).map { [Float](repeating: $0, count: $1.responseTokens.count) }
}

/// Segment values spread over their segments' tokens.
func spread(_ values: [Float], over lengths: [Int]) -> [Float] {
  var out: [Float] = []
  for (value, length) in zip(values, lengths) {
    out.append(contentsOf: repeatElement(value, count: length))
  }
  return out
}

/// The affine map whitening applied: value ↦ (value − mean) · scale.
public struct Whitening: Sendable, Equatable {
  public var mean: Double
  public var scale: Double
  public static let identity = Whitening(mean: 0, scale: 1)
  public func apply(_ value: Float) -> Float { Float((Double(value) - mean) * scale) }
}

/// verl's `masked_whiten` over every response token of the batch: subtract the token-weighted
/// mean, divide by sqrt(unbiased variance + 1e-8). Shared tokens of a tree count once per path,
/// as they do in verl's padded batch. With fewer than two tokens the variance is taken as 0.
@discardableResult
public func whitenTokens(_ tokens: inout [[Float]]) -> Whitening {
  var count = 0
  var sum = 0.0
  for row in tokens {
    count += row.count
    for value in row { sum += Double(value) }
  }
  guard count > 0 else { return .identity }
  let mean = sum / Double(count)
  var squares = 0.0
  for row in tokens {
    for value in row { squares += (Double(value) - mean) * (Double(value) - mean) }
  }
  let variance = count > 1 ? squares / Double(count - 1) : 0
  let whitening = Whitening(mean: mean, scale: 1 / (variance + 1e-8).squareRoot())
  for r in tokens.indices {
    for t in tokens[r].indices { tokens[r][t] = whitening.apply(tokens[r][t]) }
  }
  return whitening
}
