// TreePO's released segment-level estimator (reference `compute_tree_rfpp_progress_outcome_advantage`,
// `tree_segment_reinforce_plus_plus_baseline`, with its default segtree_adv_eta = −1). Formulas and
// how it differs from `segment-leaf-mean`: docs/algorithm.md, "Advantages".

/// Raw segment advantages per trajectory, one per node on its path:
/// 1. each leaf's reward is reshaped: over every prefix p of its path (the prompt, each node, the
///    leaf itself), r'_i = Σ_p |L(p)|·(r_i − mean_{L(p)} r) / Σ_p |L(p)|, L(p) = leaves below p;
/// 2. node values bottom-up: a leaf's value is r'_i, an inner node's the plain mean of its
///    children's values (each child counts once, however many leaves it has); the root's is 0;
/// 3. node k of a path gets V(n_k) − V(n_{k−1}).
func treeSegmentAdvantages(_ trajectories: [Trajectory]) -> [[Float]] {
  // Step 1: leaves below each prefix (the root is `node: Int.min`).
  var below: [NodeKey: (sum: Double, count: Int)] = [:]
  for t in trajectories {
    for node in [Int.min] + t.nodes {
      let k = NodeKey(prompt: t.prompt, node: node)
      let old = below[k] ?? (0, 0)
      below[k] = (old.sum + Double(t.reward), old.count + 1)
    }
  }
  var leafValue: [NodeKey: Double] = [:]
  var children: [NodeKey: [NodeKey]] = [:]
  for t in trajectories {
    var weighted = 0.0
    var weight = 0.0
    for node in [Int.min] + t.nodes {
      let group = below[NodeKey(prompt: t.prompt, node: node)]!
      let size = Double(group.count)
      weighted += size * (Double(t.reward) - group.sum / size)
      weight += size
    }
    let path = [Int.min] + t.nodes
    leafValue[NodeKey(prompt: t.prompt, node: path.last!)] = weighted / weight
    for (parent, child) in zip(path, path.dropFirst()) {
      let p = NodeKey(prompt: t.prompt, node: parent)
      let c = NodeKey(prompt: t.prompt, node: child)
      if !(children[p]?.contains(c) ?? false) { children[p, default: []].append(c) }
    }
  }
  // Step 2: values, memoised; a node with children takes their mean (as the reference's
  // bottom-up pass overwrites it), a childless one its reshaped reward.
  var values: [NodeKey: Double] = [:]
  func value(_ k: NodeKey) -> Double {
    if let v = values[k] { return v }
    let v: Double
    if let kids = children[k] {
      v = kids.reduce(0) { $0 + value($1) } / Double(kids.count)
    } else {
      v = leafValue[k] ?? 0
    }
    values[k] = v
    return v
  }
  // Step 3.
  return trajectories.map { t in
    var previous = 0.0  // the root's value
    return t.nodes.map { node in
      let v = value(NodeKey(prompt: t.prompt, node: node))
      defer { previous = v }
      return Float(v - previous)
    }
  }
}
