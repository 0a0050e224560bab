import Testing
import TreePOExplorer
import TreePOTrace

// The tally and the entropy sums the reducer keeps as events land are what counting over the
// nodes gives, at every point of a seeded random trace (re-ended nodes, rewards of every kind,
// damaged events) and after scrubbing back and forth through it.

/// A random but valid-looking trace: two rollouts of three prompts, with some damage.
private func randomEvents(seed: UInt64, count: Int) -> [TreeEvent] {
  var rng = SeededRandom(seed: seed)
  let rewards: [Float?] = [nil, 0, 1, 0.5, -0.25, 0.87, .nan, .infinity, -.infinity]
  let outcomes: [NodeOutcome] = [.finished, .stopped, .truncated, .pruned]
  var events: [TreeEvent] = []
  var ids: [[Int]] = []
  var round = 0
  func start(_ rollout: Int) {
    let prompts = (0..<3).map { PromptInfo(index: $0, text: "p\($0)", tokenIds: [$0]) }
    events.append(
      .rolloutStarted(
        RolloutStarted(rollout: rollout, sampler: "tree", prompts: prompts, config: [:])))
    ids = [[], [], []]
    round = 0
  }
  start(0)
  while events.count < count {
    if events.count == count / 2 { start(1) }
    let p = rng.nextInt(3)
    let known = ids[p]
    switch rng.nextInt(10) {
    case 0, 1, 2:
      // A root first; then a child of a known node, now and then of an unknown one or a reused id.
      let id = known.isEmpty || rng.nextInt(20) > 0 ? known.count : known[rng.nextInt(known.count)]
      let parent =
        known.isEmpty ? nil : rng.nextInt(20) == 0 ? 999 : known[rng.nextInt(known.count)]
      events.append(
        .nodeSpawned(
          NodeSpawned(
            prompt: p, node: id, parent: parent, depth: parent == nil ? 0 : 1,
            reason: parent == nil ? .root : .initial)))
      if id == known.count { ids[p].append(id) }
    case 3, 4, 5:
      let n = 1 + rng.nextInt(40)
      events.append(
        .segmentDecoded(
          SegmentDecoded(
            prompt: p, node: known.isEmpty ? 7 : known[rng.nextInt(known.count)],
            tokenIds: Array(0..<n), text: String(repeating: "a", count: n),
            logprobs: (0..<n).map { _ in -rng.nextUniform() },
            entropies: (0..<n).map { _ in rng.nextUniform() * 3 })))
    case 6, 7:
      events.append(
        .nodeEnded(
          NodeEnded(
            prompt: p, node: known.isEmpty ? 7 : known[rng.nextInt(known.count)],
            outcome: outcomes[rng.nextInt(outcomes.count)], reason: "r",
            reward: rewards[rng.nextInt(rewards.count)])))
    case 8:
      guard !known.isEmpty else { continue }
      events.append(
        .fallback(
          FallbackTaken(
            prompt: p, sourceLeaf: known[0], cutNode: known[rng.nextInt(known.count)],
            cutDepth: 1)))
    default:
      round += 1
      events.append(
        .roundFinished(RoundFinished(round: round, counters: RolloutCounters(), done: false)))
    }
  }
  return events
}

/// Every prompt's kept tally and every node's kept entropy sum against a recount.
private func expectKeptEqualsRecount(_ store: TreeStore, at position: Int) {
  for rollout in store.rollouts {
    for tree in rollout.prompts {
      #expect(tree.tally == tree.recountedTally, "prompt \(tree.info.index) at \(position)")
      for node in tree.nodes.values {
        let kept = node.keptMeanEntropy
        let recounted = node.meanEntropy
        #expect(
          kept?.bitPattern == recounted?.bitPattern,
          "node \(node.id) of prompt \(tree.info.index) at \(position): \(kept as Any) against \(recounted as Any)"
        )
      }
    }
  }
}

@Test func keptTallyEqualsARecountThroughARandomTraceAndScrubbing() {
  let events = randomEvents(seed: 42, count: 3 * Timeline.snapshotInterval + 77)
  var store = TreeStore()
  var checked = 0
  for (i, e) in events.enumerated() {
    store.apply(e)
    if i % 7 == 0 {
      expectKeptEqualsRecount(store, at: i + 1)
      checked += 1
    }
  }
  expectKeptEqualsRecount(store, at: events.count)
  // The trace exercises what the tally counts: damage, several outcomes, rewards of every kind.
  #expect(store.orphanEvents > 0)
  let all = store.rollouts.flatMap(\.prompts)
  #expect(all.contains { $0.tally.finished > 0 && $0.tally.pruned > 0 && $0.tally.active > 0 })
  #expect(all.contains { $0.tally.rewardSum.isNaN })

  var timeline = Timeline(events: events)
  var rng = SeededRandom(seed: 7)
  for _ in 0..<24 {
    let target = rng.nextInt(events.count + 1)
    timeline.seek(to: target)
    expectKeptEqualsRecount(timeline.store, at: target)
  }
  // The tallies, not the stores, compared: a NaN reward makes two stores holding it unequal.
  timeline.seek(to: events.count)
  func tallies(_ s: TreeStore) -> [[PromptTree.Tally]] {
    s.rollouts.map { $0.prompts.map(\.tally) }
  }
  #expect(tallies(timeline.store) == tallies(store))
}

@Test func aRecountOfAHandBuiltTreeMatchesTheReducersTally() throws {
  var store = TreeStore()
  for e in Scenes.finishedBatch { store.apply(e) }
  let tree = try #require(store.current?.prompts[0])
  #expect(tree.tally == tree.recountedTally)
  #expect(tree.tally.finished == 2 && tree.tally.meanReward == Float(1) / 3)
}
