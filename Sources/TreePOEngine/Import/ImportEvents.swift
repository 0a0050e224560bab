// One training step's samples → the trace events the explorer replays: a rollout per step
// (`rollout` = the step), a prompt per group, its tree, the leaves' scores as rewards, advantages
// when the dump has them, and a train_step with verl-named metrics of the step's scores.

extension RolloutSample {
  /// Groups in order of first appearance.
  static func grouped(_ samples: [RolloutSample]) -> [[RolloutSample]] {
    var index: [String: Int] = [:]
    var groups: [[RolloutSample]] = []
    for s in samples {
      if let g = index[s.group] {
        groups[g].append(s)
      } else {
        index[s.group] = groups.count
        groups.append([s])
      }
    }
    return groups
  }
}

extension ImportedTree {
  /// The tree_idx shape when every sample has a path, else the prefix tree.
  public static func build(_ group: [RolloutSample]) -> ImportedTree {
    ImportedTree(shape: TreeIndexTree.shape(group) ?? PrefixTree.shape(group), samples: group)
  }
}

enum ImportEvents {
  static func step(
    _ step: Int, groups: [[RolloutSample]], trees: [ImportedTree], source: String
  ) -> [TreeEvent] {
    let prompts = groups.enumerated().map { g, samples in
      PromptInfo(index: g, text: samples[0].prompt, tokenIds: samples[0].promptIds)
    }
    let sampler = trees.contains { $0.method == "tree_idx" } ? "tree" : "flat"
    var events: [TreeEvent] = [
      .rolloutStarted(
        RolloutStarted(
          rollout: step, sampler: sampler, prompts: prompts,
          config: ["source": source, "trainer.global_steps": String(step)]))
    ]
    var counters = RolloutCounters()
    var advantages: [NodeAdvantage] = []
    var scores: [Double] = []
    var maxDepth = 0
    for (g, tree) in trees.enumerated() {
      let samples = groups[g]
      for node in tree.nodes {
        events.append(
          .nodeSpawned(
            NodeSpawned(
              prompt: g, node: node.id, parent: node.parent, depth: node.depth, reason: node.reason)
          ))
        if node.parent != nil {
          events.append(
            .segmentDecoded(
              SegmentDecoded(
                prompt: g, node: node.id, tokenIds: node.tokenIds, text: node.text, logprobs: [],
                entropies: [])))
          counters.decodedTokens += node.tokenIds.count
        }
        if node.reason == .fallback, let cut = node.parent {
          events.append(
            .fallback(
              FallbackTaken(
                prompt: g, sourceLeaf: firstLeaf(below: cut, in: tree, avoiding: node.id) ?? cut,
                cutNode: cut, cutDepth: tree.nodes[cut].depth)))
          counters.fallbacks += 1
        }
        maxDepth = max(maxDepth, node.depth)
      }
      for node in tree.nodes {
        guard let s = node.sample else { continue }
        let sample = samples[s]
        events.append(
          .nodeEnded(
            NodeEnded(
              prompt: g, node: node.id, outcome: .finished, reason: "imported",
              reward: sample.score)))
        counters.finished += 1
        counters.flatEquivalentTokens += sample.responseIds?.count ?? 0
        if let a = sample.advantage {
          advantages.append(NodeAdvantage(prompt: g, node: node.id, advantage: a))
        }
        if let score = sample.score { scores.append(Double(score)) }
      }
    }
    counters.sharedPrefixTokens = counters.flatEquivalentTokens - counters.decodedTokens
    events.append(.roundFinished(RoundFinished(round: maxDepth, counters: counters, done: true)))
    if !advantages.isEmpty {
      events.append(.advantagesAssigned(AdvantagesAssigned(estimator: source, nodes: advantages)))
    }
    var metrics: [String: Double] = [:]
    if !scores.isEmpty {
      metrics["critic/score/mean"] = scores.reduce(0, +) / Double(scores.count)
      metrics["critic/score/max"] = scores.max()
      metrics["critic/score/min"] = scores.min()
    }
    events.append(.trainStep(TrainStepFinished(step: step, metrics: metrics)))
    return events
  }

  private static func firstLeaf(below root: Int, in tree: ImportedTree, avoiding: Int) -> Int? {
    var stack = [root]
    while let n = stack.popLast() {
      if tree.nodes[n].sample != nil, n != root { return n }
      for child in tree.nodes where child.parent == n && child.id != avoiding {
        stack.append(child.id)
      }
    }
    return nil
  }
}
