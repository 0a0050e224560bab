// After a round's decode, per prompt: the stop and prune rules, the budget prune, and the width
// budget shared by the divergence policy — first planned (no event, no state change), then
// applied, so that a fork inside a segment can be decided before the segment is reported.

/// What a round does to one prompt's decoded nodes.
struct RoundPlan {
  /// Nodes a stop or prune rule ends, in decode order.
  var ends: [(id: Int, outcome: NodeOutcome, reason: String)] = []
  /// Survivors the budget prune drops.
  var budgetDrops: [Int] = []
  var survivors: [Int] = []
  var endedThisRound = 0
  /// Children per survivor (empty when none survives).
  var allocation: [Int] = []
  /// The token cap was reached in this round's decode.
  var capHit = false
}

extension TreeSampler {
  /// Decides the round for prompt `p`: which nodes end and how the survivors share the width.
  func plan(prompt p: Int, stopped: [Int: Bool], capHit: Bool) -> RoundPlan {
    var plan = RoundPlan(capHit: capHit)
    for id in prompts[p].pending {
      if let (outcome, reason) = stopRule(id, stopped: stopped[id] ?? false, capHit: capHit) {
        plan.ends.append((id, outcome, reason))
        if outcome != .pruned { plan.endedThisRound += 1 }
      } else {
        plan.survivors.append(id)
      }
    }
    let trajectories = prompts[p].leaves.count + plan.endedThisRound
    // Budget prune: never keep more paths than trajectories are still missing.
    let missing = max(config.n - trajectories, 0)
    if config.pruneBudget && kind == .tree && plan.survivors.count > missing {
      let order = plan.survivors.sorted { meanLogprob($0) < meanLogprob($1) }
      let drop = Set(order.prefix(plan.survivors.count - missing))
      plan.budgetDrops = plan.survivors.filter { drop.contains($0) }
      plan.survivors.removeAll { drop.contains($0) }
    }
    guard !plan.survivors.isEmpty else { return plan }
    if kind == .flat {
      plan.allocation = [Int](repeating: 1, count: plan.survivors.count)
    } else {
      let total = WidthBudget.total(
        n: config.n, finished: trajectories, finishedThisRound: plan.endedThisRound,
        active: plan.survivors.count, w: config.divergence)
      let scores = plan.survivors.map {
        PathScore(
          meanLogprob: meanLogprob($0), lastSegmentEntropy: lastEntropy($0),
          branchEntropy: Double(nodes[$0].entropies.max() ?? 0))
      }
      plan.allocation = config.divergencePolicy.allocate(
        total: total, scores: scores, w: config.divergence,
        temperature: config.divergenceTemperature, threshold: config.entropyThreshold,
        topFraction: config.entropyTopFraction)
    }
    return plan
  }

  /// Applies a plan: end what must end, branch the rest, fall back if needed.
  func settle(prompt p: Int, plan: RoundPlan) throws -> [TreeEvent] {
    var events: [TreeEvent] = []
    prompts[p].pending = []
    for e in plan.ends { events.append(end(e.id, outcome: e.outcome, reason: e.reason)) }
    for id in plan.budgetDrops { events.append(end(id, outcome: .pruned, reason: "budget")) }
    if !plan.survivors.isEmpty {
      events += try branch(prompt: p, survivors: plan.survivors, allocation: plan.allocation)
    } else if prompts[p].leaves.count < config.n {
      events += try fallbackOrFinish(prompt: p, capHit: plan.capHit)
    } else {
      finishPrompt(p)
    }
    return events
  }

  /// The stop and prune rules, in order; nil when the path goes on.
  func stopRule(_ id: Int, stopped: Bool, capHit: Bool) -> (NodeOutcome, String)? {
    let node = nodes[id]
    let p = node.prompt
    if stopped { return (.finished, "terminator") }
    let response = node.tokens.isEmpty ? [] : responseTokens(id)
    if config.repetition != .off
      && RepetitionRule.isLooping(response, span: config.repetitionSpan)
    {
      return (config.repetition == .prune && kind == .tree ? .pruned : .stopped, "repetition")
    }
    if config.pruneInvalidPrefix && kind == .tree
      && !task.isViablePrefix(prompt: prompts[p].text, partial: tokenizer.decode(response))
    {
      return (.pruned, "invalid_prefix")
    }
    if node.depth >= config.maxDepth { return (.truncated, "max_depth") }
    if node.responseEnd >= responseLimit(p) { return (.truncated, "max_tokens") }
    if capHit { return (.truncated, "token_cap") }
    return nil
  }

  /// Ends a node: reward for the counted ones, path retained (fallback source) or freed.
  func end(_ id: Int, outcome: NodeOutcome, reason: String) -> TreeEvent {
    let p = nodes[id].prompt
    nodes[id].outcome = outcome
    var reward: Float? = nil
    var failure: String? = nil
    switch outcome {
    case .pruned:
      counters.pruned += 1
    case .finished, .stopped, .truncated:
      let completion = tokenizer.decode(responseTokens(id))
      let verdict = task.verify(prompt: prompts[p].text, completion: completion)
      reward = verdict.reward
      failure = verdict.failure?.rawValue
      prompts[p].leaves.append(id)
      counters.flatEquivalentTokens += nodes[id].fedEnd
      switch outcome {
      case .finished: counters.finished += 1
      case .stopped: counters.stopped += 1
      default: counters.truncated += 1
      }
    }
    nodes[id].reward = reward
    nodes[id].failure = failure
    let keep = outcome != .pruned && kind == .tree && config.fallbackPolicy == .random
    if !keep, let path = paths.removeValue(forKey: id) { decoder.free(path) }
    return .nodeEnded(
      NodeEnded(
        prompt: p, node: id, outcome: outcome, reason: reason, reward: reward,
        failure: failure))
  }

  /// Children for the surviving paths, `allocation[k]` for survivor k. The first child continues
  /// the parent's own path; the others share it (at the segment's end, or at its branch token).
  func branch(prompt p: Int, survivors: [Int], allocation: [Int]) throws -> [TreeEvent] {
    var events: [TreeEvent] = []
    for (k, parent) in survivors.enumerated() {
      let path = paths.removeValue(forKey: parent)!
      if let j = roundForks[parent] {
        events += forkAtBranchToken(
          prompt: p, node: parent, at: j, path: path, children: allocation[k])
        continue
      }
      for c in 0..<allocation[k] {
        let child = spawn(prompt: p, parent: parent, reason: .divergence, events: &events)
        if allocation[k] > 1 { nodes[child].siblingGroup = parent }
        if c == 0 {
          paths[child] = path
        } else {
          paths[child] = try decoder.fork(path)
          counters.sharedPrefixTokens += nodes[parent].fedEnd
        }
        prompts[p].pending.append(child)
      }
    }
    return events
  }
}
