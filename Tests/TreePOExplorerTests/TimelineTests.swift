import Testing
import TreePOExplorer
import TreePOTrace

// Scrubbing through snapshots gives exactly the state of reducing the prefix from scratch, in any
// order of jumps; events appended while scrolled back do not move the view.

private func reduced(_ events: ArraySlice<TreeEvent>) -> TreeStore {
  var store = TreeStore()
  for e in events { store.apply(e) }
  return store
}

@Test func seekingAnywhereEqualsReducingThePrefix() {
  let events = SyntheticTrace(prompts: 4, width: 8, rollouts: 5).events()
  #expect(events.count > 3 * Timeline.snapshotInterval)
  var timeline = Timeline(events: events)
  #expect(timeline.store == reduced(events[...]))
  var rng = SeededRandom(seed: 11)
  var targets = [0, events.count, Timeline.snapshotInterval, Timeline.snapshotInterval - 1]
  for _ in 0..<20 { targets.append(Int(rng.next() % UInt64(events.count + 1))) }
  for target in targets {
    timeline.seek(to: target)
    #expect(timeline.position == target)
    #expect(timeline.store == reduced(events[..<target]), "at \(target)")
  }
}

@Test func roundMarksStepThroughRounds() {
  let events = SyntheticTrace(prompts: 2, width: 4, rollouts: 2).events()
  var timeline = Timeline(events: events)
  timeline.seek(to: 0)
  var positions: [Int] = []
  while timeline.position < events.count {
    timeline.seek(to: timeline.nextRoundMark)
    positions.append(timeline.position)
  }
  // Every stop is just after a rollout start or a finished round, and the last is the end.
  for p in positions.dropLast() {
    switch events[p - 1] {
    case .roundFinished, .rolloutStarted: break
    default: Issue.record("position \(p) is not after a round or rollout start")
    }
  }
  #expect(positions.last == events.count)
  timeline.seek(to: timeline.previousRoundMark)
  #expect(timeline.position == positions[positions.count - 2])
}

@Test func appendingWhileScrolledBackKeepsTheView() {
  // Long enough that appends cross snapshot boundaries.
  let events = SyntheticTrace(prompts: 4, width: 8, rollouts: 5).events()
  let half = events.count / 2
  var timeline = Timeline(events: Array(events[..<half]))
  timeline.seek(to: 10)
  for e in events[half...] { timeline.append(e) }
  #expect(timeline.position == 10)
  #expect(timeline.store == reduced(events[..<10]))
  // Snapshots taken while appending behind the view are right too.
  for target in [half + 1, 3 * Timeline.snapshotInterval + 5, events.count - 3, events.count] {
    timeline.seek(to: target)
    #expect(timeline.store == reduced(events[..<target]), "at \(target)")
  }
  // At the end, appending follows.
  var live = Timeline(events: [])
  for e in events { live.append(e) }
  #expect(live.position == events.count)
  #expect(live.store == reduced(events[...]))
}
