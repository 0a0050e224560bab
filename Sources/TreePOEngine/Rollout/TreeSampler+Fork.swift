// Forking at the uncertain token (tree_branch_position=max-entropy; TreeRL's entropy-guided
// forking, ARPO / AEPO's entropy branching): a path that branches forks at the position of the
// highest-entropy token of its last segment instead of at the segment's end. The children share
// the prefix up to that token and draw it again; the path's own continuation stays one of the
// children (it is a policy sample too). The segment is split into a prefix node (tokens before the
// branch token) and a continuation node (the branch token on), so every path is still the chain of
// its nodes' segments; the children of the fork carry `forkEntropy` in their `nodeSpawned`.

extension TreeSampler {
  /// The fork offset of every survivor that gets more than one child: the first position of its
  /// segment's largest entropy. A fork inside the segment adds one node to the path, so it is taken
  /// only when the continuation's child still fits under tree_max_depth (else the segment's end).
  func chooseForks(_ plans: [Int: RoundPlan]) -> [Int: Int] {
    var forks: [Int: Int] = [:]
    for plan in plans.values {
      for (k, id) in plan.survivors.enumerated() where plan.allocation[k] > 1 {
        let e = nodes[id].entropies
        guard let top = e.max(), let j = e.firstIndex(of: top) else { continue }
        if j > 0 && nodes[id].depth + 2 > config.maxDepth { continue }
        forks[id] = j
      }
    }
    return forks
  }

  /// Splits a decoded node before token `j` (0 < j < its length): the node keeps the prefix, a new
  /// child holds the rest. Returns the prefix's `segmentDecoded`, the child's `nodeSpawned` and
  /// its `segmentDecoded`.
  func split(_ id: Int, at j: Int) -> [TreeEvent] {
    let whole = nodes[id]
    precondition(j > 0 && j < whole.tokens.count && whole.fed == whole.tokens.count)
    nodes[id].tokens = Array(whole.tokens[..<j])
    nodes[id].logprobs = Array(whole.logprobs[..<j])
    nodes[id].entropies = Array(whole.entropies[..<j])
    nodes[id].fed = j
    var events = [decodedEvent(id)]
    let tail = spawn(
      prompt: whole.prompt, parent: id, reason: .divergence, forkEntropy: whole.entropies[j],
      events: &events)
    nodes[tail].tokens = Array(whole.tokens[j...])
    nodes[tail].logprobs = Array(whole.logprobs[j...])
    nodes[tail].entropies = Array(whole.entropies[j...])
    nodes[tail].fed = whole.fed - j
    nodes[tail].decoded = true
    nodes[id].splitTail = tail
    events.append(decodedEvent(tail))
    return events
  }

  /// The children of a survivor that forks at its branch token (offset `j` of its segment as
  /// decoded): one continues the path after the segment, `children − 1` resample from the branch
  /// token — hung under the prefix node (j > 0) or, when the branch token opened the segment,
  /// beside the node under its parent. They share the path's positions before the branch token:
  /// the first re-feeds the token before it (one position), the others fork that one. The cut is
  /// made with the round's other cuts in `makeRoundCuts`.
  func forkAtBranchToken(prompt p: Int, node id: Int, at j: Int, path: PathID, children: Int)
    -> [TreeEvent]
  {
    var events: [TreeEvent] = []
    let continuing = nodes[id].splitTail ?? id
    let next = spawn(prompt: p, parent: continuing, reason: .divergence, events: &events)
    paths[next] = path
    prompts[p].pending.append(next)

    let at = j > 0 ? id : nodes[id].parent!
    let keep = prompts[p].tokens.count + nodes[at].responseEnd
    let forkEntropy = j > 0 ? nodes[continuing].entropies[0] : nil
    let group = nodes.count  // the first new child's id: unique to this fork
    var resampled: [Int] = []
    for _ in 1..<children {
      let child = spawn(
        prompt: p, parent: at, reason: .divergence, forkEntropy: forkEntropy, events: &events)
      if children > 2 { nodes[child].siblingGroup = group }
      resampled.append(child)
      counters.sharedPrefixTokens += nodes[at].fedEnd
      prompts[p].pending.append(child)
    }
    if !resampled.isEmpty { roundCuts.append((Cut(path, keepingFirst: keep), resampled)) }
    return events
  }

  /// Makes the round's cuts at branch tokens: every boundary token re-fed in one batched decoder
  /// step (the paths share their KV pages up to it), then each cut's other children fork it.
  func makeRoundCuts() throws {
    guard !roundCuts.isEmpty else { return }
    defer { roundCuts = [] }
    let made = try decoder.fork(cuts: roundCuts.map(\.cut))
    for (cut, first) in zip(roundCuts, made) {
      paths[cut.children[0]] = first
      for child in cut.children.dropFirst() { paths[child] = try decoder.fork(first) }
    }
  }
}
