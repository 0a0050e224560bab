import Testing
import TreePOExplorer
import TreePOTrace

// Whole-screen snapshots (text + style planes) of the canonical states, at the minimum size 80×24.

private let size = Size(width: 80, height: 24)

@Test func snapshotMidRolloutTree() {
  var d = ExplorerDriver(size: size)
  d.feed(Scenes.midRollout)
  d.type("jj")  // node 1 → node 3 (decoded, active)
  assertSnapshot(d.grid, named: "mid-rollout")
}

@Test func snapshotFinishedBatchWithAdvantages() {
  var d = ExplorerDriver(size: size)
  d.feed(Scenes.finishedBatch)
  d.type("jjj")  // root → 1 → 3 → 6 (the correct leaf)
  assertSnapshot(d.grid, named: "finished-batch")
}

@Test func snapshotPrunedAndFallbackNodes() {
  var d = ExplorerDriver(size: size)
  d.feed(Scenes.finishedBatch)
  d.type("G")  // the last row: node 5, pruned
  d.type("k")  // node 8: fallback, truncated
  assertSnapshot(d.grid, named: "pruned-fallback")
}

@Test func snapshotHelpOverlay() {
  var d = ExplorerDriver(size: size)
  d.feed(Scenes.finishedBatch)
  d.type("?")
  assertSnapshot(d.grid, named: "help-overlay")
}

@Test func snapshotTooSmallTerminal() {
  var d = ExplorerDriver(size: Size(width: 60, height: 20))
  d.feed(Scenes.finishedBatch)
  assertSnapshot(d.grid, named: "too-small")
}

@Test func snapshotReplayAtATimelinePosition() {
  let header = TraceHeader(model: "tiny", task: "countdown")
  var d = ExplorerDriver(.replay(events: Scenes.finishedBatch, header: header), size: size)
  d.press(.home)
  d.type("}}")  // just after rollout_started, then just after round 1
  d.type(">")  // one event more: node 3's segment
  d.type("jj")
  assertSnapshot(d.grid, named: "replay-position")
}

@Test func snapshotNoColor() {
  var d = ExplorerDriver(size: size, colorDepth: .none)
  d.feed(Scenes.finishedBatch)
  d.type("jjj")
  assertSnapshot(d.grid, named: "no-color")
}

@Test func snapshotForkInsideASegment() {
  var d = ExplorerDriver(size: size)
  d.feed(Scenes.midSegmentFork)
  d.type("j")  // node 1: its segment ends at the branch point, marked ⑂
  assertSnapshot(d.grid, named: "mid-segment-fork")
}
