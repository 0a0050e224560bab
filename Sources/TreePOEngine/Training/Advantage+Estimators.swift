// The estimators' raw (pre-whitening) values, and the per-node display values built from them.

/// Reference `tree_reinforce_plus_plus_baseline`: for leaf i and each depth d = 0..<depth(i),
/// G_d(i) = the leaves sharing the prompt and the first d nodes with i. Depth 0 is always kept,
/// d ≥ 1 only when |G_d| > 1; a_{i,d} = r_i − mean(G_d). As in the reference, a group of one has
/// baseline 0 (so a prompt with a single trajectory keeps its raw reward).
func treeBaselineScores(_ trajectories: [Trajectory], weighting: TreeWeighting) -> [Float] {
  // Group key at depth d: the prompt (d = 0) or the node at depth d (ids are unique per rollout).
  func key(_ t: Trajectory, _ d: Int) -> NodeKey {
    d == 0
      ? NodeKey(prompt: t.prompt, node: Int.min) : NodeKey(prompt: t.prompt, node: t.nodes[d - 1])
  }
  var sums: [NodeKey: (sum: Double, count: Int)] = [:]
  for t in trajectories {
    for d in 0..<max(t.nodes.count, 1) {
      let k = key(t, d)
      let old = sums[k] ?? (0, 0)
      sums[k] = (old.sum + Double(t.reward), old.count + 1)
    }
  }
  return trajectories.map { t in
    var weighted = 0.0
    var totalWeight = 0.0
    for d in 0..<max(t.nodes.count, 1) {
      let group = sums[key(t, d)]!
      guard d == 0 || group.count > 1 else { continue }
      let mean = group.count > 1 ? group.sum / Double(group.count) : 0
      let weight = weighting == .average ? 1 : Double(group.count)
      weighted += weight * (Double(t.reward) - mean)
      totalWeight += weight
    }
    return Float(weighted / totalWeight)
  }
}

/// `segment-leaf-mean` per trajectory: V(n_k) − V(n_{k−1}) along its path, V(node) = mean reward
/// of the trajectories through it, V(root) = mean reward of the prompt's trajectories.
func leafMeanSegmentAdvantages(_ trajectories: [Trajectory]) -> [[Float]] {
  let values = nodeValues(trajectories)
  return trajectories.map { t in
    var previous = values[NodeKey(prompt: t.prompt, node: Int.min)]!
    return t.nodes.map { node in
      let value = values[NodeKey(prompt: t.prompt, node: node)]!
      defer { previous = value }
      return Float(value - previous)
    }
  }
}

/// Mean reward of the trajectories through each node; the root of prompt p is `node: Int.min`.
func nodeValues(_ trajectories: [Trajectory]) -> [NodeKey: Double] {
  var sums: [NodeKey: (sum: Double, count: Int)] = [:]
  for t in trajectories {
    for node in [Int.min] + t.nodes {
      let k = NodeKey(prompt: t.prompt, node: node)
      let old = sums[k] ?? (0, 0)
      sums[k] = (old.sum + Double(t.reward), old.count + 1)
    }
  }
  return sums.mapValues { $0.sum / Double($0.count) }
}

/// verl's `compute_grpo_outcome_advantage`: per prompt group, (r − mean) / (std + 1e-6) with the
/// unbiased std of torch.std; a group of one gets mean 0 and std 1. Without `divideByStd`
/// (Dr. GRPO), r − mean.
func grpoScores(_ trajectories: [Trajectory], divideByStd: Bool) -> [Float] {
  var groups: [Int: [Double]] = [:]
  for t in trajectories { groups[t.prompt, default: []].append(Double(t.reward)) }
  var stats: [Int: (mean: Double, std: Double)] = [:]
  for (prompt, rewards) in groups {
    guard rewards.count > 1 else {
      stats[prompt] = (0, 1)
      continue
    }
    let mean = rewards.reduce(0, +) / Double(rewards.count)
    let squares = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
    stats[prompt] = (mean, (squares / Double(rewards.count - 1)).squareRoot())
  }
  return trajectories.map { t in
    let s = stats[t.prompt]!
    let centered = Double(t.reward) - s.mean
    return Float(divideByStd ? centered / (s.std + 1e-6) : centered)
  }
}

/// Nodes in order of first appearance along the trajectories' paths.
func orderedNodes(_ trajectories: [Trajectory]) -> [NodeKey] {
  var seen: Set<NodeKey> = []
  var order: [NodeKey] = []
  for t in trajectories {
    for node in t.nodes where seen.insert(NodeKey(prompt: t.prompt, node: node)).inserted {
      order.append(NodeKey(prompt: t.prompt, node: node))
    }
  }
  return order
}

/// Leaf-level estimators: a node shows the token-weighted mean of the (whitened) advantages of the
/// leaves below it (a plain mean if those leaves have no tokens at all).
func leafLevelResult(
  _ trajectories: [Trajectory], scores: [Float], tokens: [[Float]], whitening: Whitening
) -> AdvantageResult {
  // A node's own tokens carry one loss term per path through it, each with that path's advantage
  // and (token-mean, the default aggregation) the same weight: the update pushes them with the
  // plain mean over those paths. Weighting by response length showed another number (a sign
  // flip was seen).
  var sums: [NodeKey: (sum: Double, paths: Int)] = [:]
  for (t, score) in zip(trajectories, scores) {
    let value = Double(whitening.apply(score))
    for node in t.nodes {
      let k = NodeKey(prompt: t.prompt, node: node)
      let old = sums[k] ?? (0, 0)
      sums[k] = (old.sum + value, old.paths + 1)
    }
  }
  let nodes = orderedNodes(trajectories).map { k in
    let s = sums[k]!
    return NodeAdvantage(prompt: k.prompt, node: k.node, advantage: Float(s.sum / Double(s.paths)))
  }
  return AdvantageResult(tokenAdvantages: tokens, rawScores: scores.map { [$0] }, nodes: nodes)
}

/// Segment-level estimator: a node shows its own (whitened) segment advantage.
func segmentLevelResult(
  _ trajectories: [Trajectory], segments: [[Float]], tokens: [[Float]], whitening: Whitening
) -> AdvantageResult {
  var own: [NodeKey: Float] = [:]
  for (t, values) in zip(trajectories, segments) {
    for (node, value) in zip(t.nodes, values) {
      own[NodeKey(prompt: t.prompt, node: node)] = whitening.apply(value)
    }
  }
  let nodes = orderedNodes(trajectories).map { k in
    NodeAdvantage(prompt: k.prompt, node: k.node, advantage: own[k]!)
  }
  return AdvantageResult(tokenAdvantages: tokens, rawScores: segments, nodes: nodes)
}
