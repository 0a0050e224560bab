@testable import TreePOEngine

// The import's events as TreeEvents: the String-based encoder the import used before it wrote its
// lines from byte spans (ImportEncoder), kept here as the test oracle. TreeEvent's own encoding
// (TreeEvent+JSON) is what the explorer reads back, so ImportEncoder's bytes must equal
// `jsonLine()` of these events, line for line.

enum ImportEventsOracle {
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
