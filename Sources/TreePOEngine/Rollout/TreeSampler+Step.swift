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
    }
    let stoppedByCap = config.maxTotalTokens.map { decodedTokens >= $0 } ?? false
    if stoppedByCap { tokenCapHit = true }

    // What happens to every decoded node is decided before any event goes out: a fork inside a
    // segment changes how the segment itself is reported (a prefix node and its continuation).
    var stopped: [Int: Bool] = [:]
    for (k, id) in owners.enumerated() { stopped[id] = segments[k].stopped }
    var plans: [Int: RoundPlan] = [:]
    for p in prompts.indices where !prompts[p].done {
      plans[p] = plan(prompt: p, stopped: stopped, capHit: stoppedByCap)
    }
    roundForks = kind == .tree && config.branchPosition == .maxEntropy ? chooseForks(plans) : [:]
    for id in owners {
      if let j = roundForks[id], j > 0 {
        events += split(id, at: j)
      } else {
        events.append(decodedEvent(id))
      }
    }
    for p in prompts.indices where !prompts[p].done {
      events += try settle(prompt: p, plan: plans[p]!)
    }
    try makeRoundCuts()
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
  func spawn(
    prompt: Int, parent: Int?, reason: SpawnReason, forkEntropy: Float? = nil,
    events: inout [TreeEvent]
  ) -> Int {
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
        NodeSpawned(
          prompt: prompt, node: id, parent: parent, depth: depth, reason: reason,
          forkEntropy: forkEntropy)))
    return id
  }

  /// A decoded node's `segmentDecoded` event (TreeSampler+SegmentText.swift).
  func decodedEvent(_ id: Int) -> TreeEvent { segmentEvent(id) }

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
