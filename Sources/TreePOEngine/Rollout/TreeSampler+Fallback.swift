// The fallback: a prompt has no active path left but fewer than n trajectories. Pick a finished
// leaf (random among the well-formed ones), cut it back to a random segment boundary (possibly the
// root) and branch w new children there. The cut is on a boundary by construction (a node's start),
// so the reference's fallback window is the segment length and can never be −1.
// With `tree_fallback_fill` (default) the fallback repeats in the same round, each time from a new
// random leaf and cut, until every missing trajectory has a path: the same expected tokens as one
// fallback per round, in far fewer rounds (each round is a batched decode of S steps).

extension TreeSampler {
  func fallbackOrFinish(prompt p: Int, capHit: Bool) throws -> [TreeEvent] {
    let missing = config.n - prompts[p].leaves.count
    if kind == .flat || config.fallbackPolicy == .none {
      prompts[p].shortfall = "\(missing) pruned and fallback is off"
    } else if capHit {
      prompts[p].shortfall = "token cap hit"
    } else if prompts[p].fallbacks >= config.maxFallbacksPerPrompt {
      prompts[p].shortfall = "fallback cap (\(config.maxFallbacksPerPrompt)) hit"
    } else {
      var events = try fallback(prompt: p, missing: missing)
      while config.fallbackFill, prompts[p].fallbacks < config.maxFallbacksPerPrompt,
        case let left = missing - prompts[p].pending.count, left > 0
      {
        events += try fallback(prompt: p, missing: left)
      }
      return events
    }
    finishPrompt(p)
    return []
  }

  /// The candidates, best kind first: finished well-formed leaves, any finished leaf, any counted
  /// leaf; with none (everything was pruned) the cut is the root.
  func fallbackSources(_ p: Int) -> [Int] {
    let leaves = prompts[p].leaves.filter { paths[$0] != nil }
    let finished = leaves.filter { nodes[$0].outcome == .finished }
    let wellFormed = finished.filter { nodes[$0].failure != FailureReason.format.rawValue }
    if !wellFormed.isEmpty { return wellFormed }
    if !finished.isEmpty { return finished }
    return leaves
  }

  func fallback(prompt p: Int, missing: Int) throws -> [TreeEvent] {
    var events: [TreeEvent] = []
    let sources = fallbackSources(p)
    let root = prompts[p].root
    var source = root
    var cut = root
    if !sources.isEmpty {
      source = sources[rng.nextInt(sources.count)]
      // A boundary strictly above the leaf: depth 0 (the root) … depth − 1.
      let chain = pathNodes(source)
      let cutDepth = chooseCutDepth(chain)
      cut = cutDepth == 0 ? root : chain[cutDepth - 1]
    }
    prompts[p].fallbacks += 1
    counters.fallbacks += 1
    events.append(
      .fallback(
        FallbackTaken(prompt: p, sourceLeaf: source, cutNode: cut, cutDepth: nodes[cut].depth)))
    let count = min(config.divergence, missing)
    let keep = prompts[p].tokens.count + nodes[cut].responseEnd
    let group = nodes.count  // the first child's id: unique to this fallback
    for _ in 0..<count {
      let child = spawn(prompt: p, parent: cut, reason: .fallback, events: &events)
      if count > 1 { nodes[child].siblingGroup = group }
      paths[child] =
        cut == root
        ? try decoder.fork(paths[root]!) : try decoder.fork(paths[source]!, keepingFirst: keep)
      counters.sharedPrefixTokens += nodes[cut].fedEnd
      prompts[p].pending.append(child)
    }
    return events
  }

  /// `uniform`: any boundary above the leaf alike. `entropy`: boundary d drawn with weight
  /// softmax(mean entropy of the segment decoded from it / τ): re-branch where the model was
  /// unsure, since a confident segment decoded again mostly repeats itself.
  func chooseCutDepth(_ chain: [Int]) -> Int {
    switch config.fallbackCut {
    case .uniform:
      return rng.nextInt(chain.count)
    case .entropy:
      let weights = WidthBudget.softmax(
        chain.map { lastEntropy($0) }, temperature: Double(config.divergenceTemperature))
      var u = Double(rng.nextUniform())
      for (d, w) in weights.enumerated() {
        u -= w
        if u < 0 { return d }
      }
      return chain.count - 1
    }
  }
}
