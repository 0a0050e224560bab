import Testing
import TreePOExplorer
import TreePOTrace

// Replay opens at the end; < > step one event, { } one round, Home/End jump; the status bar shows
// the position. Scrubbing back gives exactly the state those events produce.

@Test func scrubTheTimeline() {
  let events = Scenes.finishedBatch
  let header = TraceHeader(model: "tiny", task: "countdown")
  var d = ExplorerDriver(.replay(events: events, header: header))
  let total = events.count
  #expect(d.lines.last?.contains("REPLAY") == true)
  #expect(d.line(containing: "event \(total)/\(total)") != nil)
  d.type("<")
  #expect(d.explorer.timeline?.position == total - 1)
  #expect(d.explorer.store.trainSteps.isEmpty)
  d.press(.home)
  #expect(d.explorer.timeline?.position == 0)
  #expect(d.line(containing: "no rollout at this point of the trace") != nil)
  d.type("}")  // just after rollout_started
  #expect(d.explorer.timeline?.position == 1)
  d.type("}")  // just after round 1
  let round0 = events.firstIndex { if case .roundFinished = $0 { true } else { false } }! + 1
  #expect(d.explorer.timeline?.position == round0)
  #expect(d.line(containing: "round 1") != nil)
  d.type("{")
  #expect(d.explorer.timeline?.position == 1)
  d.type(">>")
  #expect(d.explorer.timeline?.position == 3)
  var expected = TreeStore()
  for e in events.prefix(3) { expected.apply(e) }
  #expect(d.explorer.store == expected)
  d.press(.end)
  #expect(d.explorer.timeline?.position == total)
  d.type(">")  // at the end already
  #expect(d.explorer.timeline?.position == total)
}

@Test func liveModeSaysReplayKeysNeedAReplay() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  d.type("<")
  #expect(d.line(containing: "< ,: only in replay (treepo replay FILE)") != nil)
  d.press(.home)  // in live, Home is the top of the tree
  #expect(d.explorer.selectedNode == 0)
}
