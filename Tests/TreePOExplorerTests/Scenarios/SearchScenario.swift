import Testing
import TreePOExplorer

// `/` types a query in the status bar; Enter jumps to the first match (unfolding its ancestors),
// n/N cycle; Esc cancels typing.

@Test func searchNodeTextAndCycleMatches() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  d.type("j")
  d.press(.enter)  // fold node 1: the matches below it are hidden
  d.type("/0 4")
  #expect(d.lines.last?.contains("/0 4▏") == true)
  d.press(.enter)
  #expect(d.explorer.selectedNode == 3)  // "0 4 6 7)", unfolded to show it
  #expect(d.line(containing: "match 1/3") != nil)
  d.type("n")
  #expect(d.explorer.selectedNode == 4)
  d.type("n")
  #expect(d.explorer.selectedNode == 8)  // "0 4 7)9"
  d.type("n")  // wraps around
  #expect(d.explorer.selectedNode == 3)
  d.type("N")
  #expect(d.explorer.selectedNode == 8)
  d.type("/zzz")
  d.press(.escape)
  #expect(d.explorer.state.search.query == "0 4")
  d.type("/zzz")
  d.press(.enter)
  #expect(d.line(containing: "no node text matches \"zzz\"") != nil)
}
