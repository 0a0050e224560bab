// One round: decode a segment for every pending node, then stop / prune / branch / fall back.

extension TreeSampler {
  /// Runs one round and returns its events (the first call also starts the rollout: the
  /// `rolloutStarted` event, the roots, the prompt prefill and the initial children).
  /// Returns no events once the rollout is done.
  public func step() throws -> [TreeEvent] {
    let outer = beginTiming()
    defer { endTiming(outer) }
    var events: [TreeEvent] = []
    if !started { events += try begin() }
    guard !isDone else { return events }
    round += 1

    // One batched decode over every pending node of every prompt.
    var requests: [SegmentRequest] = []
    var owners: [Int] = []
    for p in prompts.indices where !prompts[p].done {
      for id in prompts[p].pending {
        let node = nodes[id]
        let room = responseLimit(p) - node.responseStart
        let count = min(config.segmentLength, room)
        let final = node.depth >= config.maxDepth || count >= room
        let group = config.distinctSiblings && kind == .tree ? node.siblingGroup : nil
        requests.append(
          SegmentRequest(
            path: paths[id]!, maxTokens: count, feedLast: !final, endAfter: boundaryTokens,
            distinctGroup: group))
        owners.append(id)
      }
    }
    let segments = try decoder.decodeSegments(requests)
    for (k, id) in owners.enumerated() {
      let s = segments[k]
      nodes[id].tokens = s.tokens
      nodes[id].logprobs = s.logprobs
      nodes[id].entropies = s.entropies
      nodes[id].fed = s.fed
      nodes[id].decoded = true
      events.append(
        .segmentDecoded(
          SegmentDecoded(
            prompt: nodes[id].prompt, node: id, tokenIds: s.tokens,
            text: tokenizer.decode(s.tokens), logprobs: s.logprobs, entropies: s.entropies)))
    }
    let stoppedByCap = config.maxTotalTokens.map { decodedTokens >= $0 } ?? false
    if stoppedByCap { tokenCapHit = true }

    var stopped: [Int: Bool] = [:]
    for (k, id) in owners.enumerated() { stopped[id] = segments[k].stopped }
    for p in prompts.indices where !prompts[p].done {
      events += try settle(prompt: p, stopped: stopped, capHit: stoppedByCap)
    }
    events.append(.roundFinished(RoundFinished(round: round, counters: snapshot(), done: isDone)))
    return events
  }

  /// Rounds until every prompt is done; `onEvents` sees each round's events as they come.
  @discardableResult
  public func run(onEvents: ([TreeEvent]) -> Void = { _ in }) throws -> [Trajectory] {
    while !isDone { onEvents(try step()) }
    return trajectories
  }

  /// Tokens through the model since the rollout started.
  var decodedTokens: Int { decoder.forwardedPositions - forwardedAtStart }

  /// Starts the rollout without decoding: `rolloutStarted`, the roots, the prompt prefill and the
  /// initial children. `step()` does this itself when needed; calling it twice is an error.
  public func begin() throws -> [TreeEvent] {
    precondition(!started, "the rollout has already begun")
    started = true
    let outer = beginTiming()
    defer { endTiming(outer) }
    decoder.resetPeak()
    forwardedAtStart = decoder.forwardedPositions
    let infos = prompts.enumerated().map { i, p in
      PromptInfo(index: i, text: p.text, tokenIds: p.tokens)
    }
    var events: [TreeEvent] = [
      .rolloutStarted(
        RolloutStarted(
          rollout: rolloutIndex, sampler: kind.rawValue, prompts: infos, config: configDictionary))
    ]
    let roots = try decoder.prefill(prompts.map(\.tokens))
    for p in prompts.indices {
      let root = spawn(prompt: p, parent: nil, reason: .root, events: &events)
      prompts[p].root = root
      nodes[root].decoded = true
      paths[root] = roots[p]
      var w = config.divergence
      if kind == .flat {
        w = config.n
      } else if let wMax = config.maxInitialDivergence {
        w += rng.nextInt(wMax - config.divergence + 1)
      }
      prompts[p].firstDivergence = w
      for _ in 0..<min(w, config.n) {
        let child = spawn(prompt: p, parent: root, reason: .initial, events: &events)
        if min(w, config.n) > 1 { nodes[child].siblingGroup = root }
        paths[child] = try decoder.fork(roots[p])
        prompts[p].pending.append(child)
      }
    }
    counters.flatEquivalentTokens = prompts.reduce(0) { $0 + $1.tokens.count }
    return events
  }

  /// Adds a node under `parent` and emits its `nodeSpawned`.
  func spawn(prompt: Int, parent: Int?, reason: SpawnReason, events: inout [TreeEvent]) -> Int {
    let id = nodes.count
    let depth = parent.map { nodes[$0].depth + 1 } ?? 0
    let up = parent.map { nodes[$0] }
    nodes.append(
      Node(
        id: id, prompt: prompt, parent: parent, depth: depth, reason: reason,
        responseStart: up?.responseEnd ?? 0, fedBefore: up?.fedEnd ?? 0,
        logprobBefore: up?.logprobEnd ?? 0))
    if let parent { nodes[parent].children.append(id) }
    events.append(
      .nodeSpawned(
        NodeSpawned(prompt: prompt, node: id, parent: parent, depth: depth, reason: reason)))
    return id
  }

  /// After a prompt's segments are in: end what must end, branch the rest, fall back if needed.
  func settle(prompt p: Int, stopped: [Int: Bool], capHit: Bool) throws -> [TreeEvent] {
    var events: [TreeEvent] = []
    let decodedNodes = prompts[p].pending
    prompts[p].pending = []
    var survivors: [Int] = []
    var endedThisRound = 0
    for id in decodedNodes {
      if let (outcome, reason) = stopRule(id, stopped: stopped[id] ?? false, capHit: capHit) {
        events.append(end(id, outcome: outcome, reason: reason))
        if outcome != .pruned { endedThisRound += 1 }
      } else {
        survivors.append(id)
      }
    }

    // Budget prune: never keep more paths than trajectories are still missing.
    let missing = config.n - prompts[p].leaves.count
    if config.pruneBudget && kind == .tree && survivors.count > max(missing, 0) {
      let order = survivors.sorted { meanLogprob($0) < meanLogprob($1) }
      let drop = Set(order.prefix(survivors.count - max(missing, 0)))
      for id in survivors where drop.contains(id) {
        events.append(end(id, outcome: .pruned, reason: "budget"))
      }
      survivors.removeAll { drop.contains($0) }
    }

    if !survivors.isEmpty {
      events += try branch(prompt: p, survivors: survivors, endedThisRound: endedThisRound)
    } else if prompts[p].leaves.count < config.n {
      events += try fallbackOrFinish(prompt: p, capHit: capHit)
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
      NodeEnded(prompt: p, node: id, outcome: outcome, reason: reason, reward: reward,
        failure: failure))
  }

  /// Children for the surviving paths: the width budget, shared by the divergence policy.
  func branch(prompt p: Int, survivors: [Int], endedThisRound: Int) throws -> [TreeEvent] {
    var events: [TreeEvent] = []
    let allocation: [Int]
    if kind == .flat {
      allocation = [Int](repeating: 1, count: survivors.count)
    } else {
      let total = WidthBudget.total(
        n: config.n, finished: prompts[p].leaves.count, finishedThisRound: endedThisRound,
        active: survivors.count, w: config.divergence)
      let scores = survivors.map {
        PathScore(meanLogprob: meanLogprob($0), lastSegmentEntropy: lastEntropy($0))
      }
      allocation = config.divergencePolicy.allocate(
        total: total, scores: scores, w: config.divergence,
        temperature: config.divergenceTemperature, threshold: config.entropyThreshold,
        topFraction: config.entropyTopFraction)
    }
    for (k, parent) in survivors.enumerated() {
      let path = paths.removeValue(forKey: parent)!
      for c in 0..<allocation[k] {
        let child = spawn(prompt: p, parent: parent, reason: .divergence, events: &events)
        if allocation[k] > 1 { nodes[child].siblingGroup = parent }
        // The first child continues the parent's own path; the others share it.
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

  func meanLogprob(_ id: Int) -> Double {
    let n = nodes[id].responseEnd
    return n == 0 ? 0 : nodes[id].logprobEnd / Double(n)
  }

  func lastEntropy(_ id: Int) -> Double {
    let e = nodes[id].entropies
    return e.isEmpty ? 0 : e.reduce(0) { $0 + Double($1) } / Double(e.count)
  }

  /// A prompt is complete: release every path it still holds.
  func finishPrompt(_ p: Int) {
    prompts[p].done = true
    for id in [prompts[p].root] + prompts[p].leaves {
      if let path = paths.removeValue(forKey: id) { decoder.free(path) }
    }
  }

  func snapshot() -> RolloutCounters {
    var c = counters
    c.decodedTokens = decodedTokens
    c.kvPagesInUse = decoder.pagesInUse
    c.kvPagesPeak = decoder.peakPagesInUse
    c.active = prompts.reduce(0) { $0 + $1.pending.count }
    c.elapsedSeconds = engineSeconds
    return c
  }

  /// Seconds spent inside `begin` and `step` so far (the call under way included).
  var engineSeconds: Double {
    busySeconds + (callStart.map { (ContinuousClock.now - $0).seconds } ?? 0)
  }

  /// Starts timing a call; false when a call is already being timed (`step` calling `begin`).
  func beginTiming() -> Bool {
    guard callStart == nil else { return false }
    callStart = .now
    return true
  }

  func endTiming(_ outer: Bool) {
    guard outer, let start = callStart else { return }
    busySeconds += (ContinuousClock.now - start).seconds
    callStart = nil
  }
}

extension Duration {
  var seconds: Double {
    let (s, atto) = components
    return Double(s) + Double(atto) * 1e-18
  }
}
