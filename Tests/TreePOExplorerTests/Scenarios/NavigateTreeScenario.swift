import Testing
import TreePOExplorer

// j/k walk the visible rows, h/l go to parent / first child, J/K to siblings, g/G to the ends.

@Test func navigateTheTreeWithVimKeysAndArrows() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  #expect(d.explorer.selectedNode == 0)
  d.type("j")
  #expect(d.explorer.selectedNode == 1)
  d.press(.down, .down)
  #expect(d.explorer.selectedNode == 6)
  d.type("h")
  #expect(d.explorer.selectedNode == 3)
  d.press(.left)
  #expect(d.explorer.selectedNode == 1)
  d.type("l")
  #expect(d.explorer.selectedNode == 3)
  d.type("J")
  #expect(d.explorer.selectedNode == 4)
  d.type("J")
  #expect(d.explorer.selectedNode == 8)
  d.type("J")  // no sibling after the last: stays
  #expect(d.explorer.selectedNode == 8)
  d.type("K")
  #expect(d.explorer.selectedNode == 4)
  d.type("G")
  #expect(d.explorer.selectedNode == 5)
  d.press(.up)
  #expect(d.explorer.selectedNode == 2)
  d.type("g")
  #expect(d.explorer.selectedNode == 0)
  d.type("k")  // already at the top
  #expect(d.explorer.selectedNode == 0)
  #expect(d.line(containing: "node 0") != nil)
}
