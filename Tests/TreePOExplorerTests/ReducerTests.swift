import Foundation
import Testing
import TreePOExplorer
import TreePOTrace

// The tree store is a pure reducer: live events and the same events read back from a trace file
// give the same state, and each event does what it says.

@Test func liveAndReplayedFromFileGiveTheSameState() throws {
  let events = Scenes.finishedBatch + SyntheticTrace(prompts: 3, width: 6, rollouts: 2).events()
  var live = TreeStore()
  for e in events { live.apply(e) }

  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-reducer-\(getpid()).jsonl")
  defer { try? FileManager.default.removeItem(at: url) }
  let writer = try TraceWriter(url: url, header: TraceHeader(model: "m", task: "countdown"))
  for e in events { try writer.write(e) }
  writer.close()
  let trace = try Trace.load(url)
  var fromFile = TreeStore()
  for e in trace.events { fromFile.apply(e) }
  #expect(fromFile == live)

  // And the replay explorer at its end shows the same store as the live one.
  var explorer = Explorer(mode: .live)
  for e in events { explorer.apply(e) }
  let replay = Explorer(mode: .replay(events: trace.events, header: trace.header))
  #expect(replay.store == explorer.store)
}

@Test func reducerBuildsTheTreeWithStatusesRewardsAndChanges() throws {
  var store = TreeStore()
  for e in Scenes.finishedBatch { store.apply(e) }
  let rollout = try #require(store.current)
  let tree = rollout.prompts[0]
  #expect(tree.root == 0)
  #expect(tree.nodes[0]?.children == [1, 2])
  #expect(tree.nodes[1]?.children == [3, 4, 8])
  #expect(tree.nodes[1]?.status == .branched)
  #expect(tree.nodes[1]?.fallbackCuts == 1)
  #expect(tree.nodes[6]?.status == .finished(correct: true))
  #expect(tree.nodes[7]?.status == .finished(correct: false))
  #expect(tree.nodes[7]?.failure == "arith")
  #expect(tree.nodes[5]?.status == .pruned)
  #expect(tree.nodes[8]?.status == .truncated)
  #expect(tree.nodes[8]?.reason == .fallback)
  #expect(tree.nodes[6]?.advantage == 0.87)
  #expect(tree.nodes[6]?.logprobBefore == -4.1)
  #expect(tree.nodes[6]?.logprobAfter == -3.6)
  #expect(tree.nodes[6]?.decodedInRound == 3)
  #expect(tree.nodes[3]?.decodedInRound == 2)
  #expect(tree.path(to: 6) == [0, 1, 3, 6])
  let t = tree.tally
  #expect(t.finished == 2 && t.correct == 1 && t.truncated == 1 && t.pruned == 1)
  #expect(t.trajectories == 3)
  #expect(t.meanReward == Float(1) / 3)
  #expect(rollout.done)
  #expect(rollout.round == 4)
  #expect(rollout.counters.decodedTokens == 81)
  #expect(rollout.estimator == "tree")
  #expect(rollout.prompts[1].nodes[102]?.status == .stopped)
  #expect(store.trainSteps.map(\.step) == [1])
  #expect(store.orphanEvents == 0)
  #expect(store.eventCount == Scenes.finishedBatch.count)
}

@Test func eventsAboutUnknownNodesAreCountedNotApplied() {
  var store = TreeStore()
  store.apply(Scenes.decode(1, "abc"))  // before any rollout
  store.apply(Scenes.started())
  store.apply(Scenes.spawn(5, 99, depth: 1, .initial))  // parent never spawned
  store.apply(Scenes.end(7, .finished, "terminator", reward: 1))
  store.apply(Scenes.decode(1, "abc", prompt: 9))  // no such prompt
  #expect(store.orphanEvents == 4)
  #expect(store.current?.prompts[0].nodes.isEmpty == true)
}

@Test func aNewRolloutReplacesTheTreeOnScreen() {
  var explorer = Explorer(mode: .live)
  for e in Scenes.finishedBatch { explorer.apply(e) }
  var next = RolloutStarted(
    rollout: 1, sampler: "tree", prompts: [PromptInfo(index: 0, text: "2 2>4:", tokenIds: [1])],
    config: [:])
  next.config["rollout.n"] = "4"
  explorer.apply(.rolloutStarted(next))
  #expect(explorer.store.rollouts.count == 2)
  #expect(explorer.promptTree?.info.text == "2 2>4:")
  #expect(explorer.promptTree?.nodes.isEmpty == true)
}
