import Testing
import TreePOExplorer
import TreePOTrace

// A click selects the node on that row (or the prompt in the Batch pane); the wheel scrolls the
// tree and keeps the selection in view.

@Test func clickSelectsAndWheelScrolls() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  let row = d.lines.firstIndex { $0.contains("7*6=3$") }!
  d.press(.mouseClick(x: 10, y: row))
  #expect(d.explorer.selectedNode == 7)
  let batchRow = d.lines.firstIndex { $0.contains("1 2 3 4>5:") && $0.contains("✓1") }!
  d.press(.mouseClick(x: 70, y: batchRow))
  #expect(d.explorer.state.promptPosition == 1)
  #expect(d.explorer.state.focus == .batch)
  #expect(d.line(containing: "Tree · prompt 1") != nil)
}

@Test func wheelScrollsALargeTree() {
  var d = ExplorerDriver(size: .init(width: 100, height: 30))
  d.feed(
    TreePOTrace.SyntheticTrace(prompts: 1, width: 64, maxDepth: 8, initialDivergence: 24)
      .events())
  #expect(d.explorer.rows.count > 60)
  #expect(d.line(containing: "more below") != nil)
  d.press(.scrollDown, .scrollDown)
  #expect(d.explorer.state.treeScroll == 6)
  #expect(d.line(containing: "↑ 6 more above") != nil)
  // The selection (the root) was scrolled away, so it moved to the first row in view.
  #expect(d.explorer.selectedNode == d.explorer.rows[6].node)
  d.press(.scrollUp)
  #expect(d.explorer.state.treeScroll == 3)
}
