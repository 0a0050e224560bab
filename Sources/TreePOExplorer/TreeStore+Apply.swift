import TreePOTrace

// The reducer: one event in, the store updated. Pure and total — an event about something the store
// has not seen is counted in `orphanEvents` and otherwise ignored, never a crash.

extension TreeStore {
  public mutating func apply(_ event: TreeEvent) {
    eventCount += 1
    switch event {
    case .rolloutStarted(let e):
      rollouts.append(RolloutState(e))
    case .nodeSpawned(let e):
      let ok = updatePrompt(e.prompt) { tree in
        // Node ids are unique within a prompt's tree: a second spawn of an id is damage.
        guard tree.nodes[e.node] == nil else { return false }
        if let parent = e.parent {
          // A first child turns an active parent into a branched one: the tally follows.
          let found = tree.update(parent) { node in
            node.children.append(e.node)
            if e.forkEntropy != nil { node.midSegmentForks += 1 }
          }
          guard found else { return false }
        } else {
          tree.root = e.node
        }
        tree.insert(TreeNode(id: e.node, parent: e.parent, depth: e.depth, reason: e.reason))
        return true
      }
      if !ok { orphanEvents += 1 }
    case .segmentDecoded(let e):
      // The round under way: one past the last finished (rounds count from 1, as the sampler's do).
      let round = (rollouts.last?.round ?? 0) + 1
      updateNode(e.prompt, e.node) { node in
        node.tokenIds += e.tokenIds
        node.text += e.text
        if let texts = e.tokenTexts { node.tokenTexts = (node.tokenTexts ?? []) + texts }
        node.logprobs += e.logprobs
        node.entropies += e.entropies
        node.entropySum = e.entropies.reduce(node.entropySum, +)
        node.decodedInRound = round
      }
    case .nodeEnded(let e):
      updateNode(e.prompt, e.node) { node in
        node.outcome = e.outcome
        node.endReason = e.reason
        node.reward = e.reward
        node.failure = e.failure
      }
    case .fallback(let e):
      updateNode(e.prompt, e.cutNode) { $0.fallbackCuts += 1 }
    case .roundFinished(let e):
      guard !rollouts.isEmpty else {
        orphanEvents += 1
        return
      }
      rollouts[rollouts.count - 1].round = e.round
      rollouts[rollouts.count - 1].counters = e.counters
      rollouts[rollouts.count - 1].done = e.done
    case .advantagesAssigned(let e):
      guard !rollouts.isEmpty else {
        orphanEvents += 1
        return
      }
      rollouts[rollouts.count - 1].estimator = e.estimator
      for a in e.nodes { updateNode(a.prompt, a.node) { $0.advantage = a.advantage } }
    case .trainStep(let e):
      trainSteps.append(e)
      for c in e.changes {
        updateNode(c.prompt, c.node) { node in
          node.logprobBefore = c.before
          node.logprobAfter = c.after
        }
      }
    case .checkpointSaved(let e):
      checkpoints.append(e)
    }
  }

  /// Runs `change` on the current rollout's prompt; false when there is no such prompt.
  private mutating func updatePrompt(_ prompt: Int, _ change: (inout PromptTree) -> Bool) -> Bool {
    guard let r = rollouts.indices.last, let p = rollouts[r].position(ofPrompt: prompt) else {
      return false
    }
    return change(&rollouts[r].prompts[p])
  }

  private mutating func updateNode(_ prompt: Int, _ node: Int, _ change: (inout TreeNode) -> Void) {
    let ok = updatePrompt(prompt) { tree in tree.update(node, change) }
    if !ok { orphanEvents += 1 }
  }
}
