import Testing
import TreePOExplorer

// Enter folds a subtree (its rows disappear, the node shows "+"), Enter again unfolds; l unfolds.

@Test func foldAndUnfoldASubtree() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  let before = d.explorer.rows.count
  d.type("j")  // node 1, four descendants: 3, 6, 4, 7, 8
  d.press(.enter)
  #expect(d.explorer.rows.count == before - 5)
  #expect(d.line(containing: "•+↺ 9*6=4(") != nil)
  d.type("j")  // the next visible row is node 2
  #expect(d.explorer.selectedNode == 2)
  d.type("kl")  // back to 1, then l unfolds and goes to its first child
  #expect(d.explorer.rows.count == before)
  #expect(d.explorer.selectedNode == 3)
}
