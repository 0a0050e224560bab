import Testing
import TreePOExplorer

// `c` cycles the Path pane's colouring entropy → probability → advantage; the title and legend say
// which, and the tokens restyle.

@Test func cycleThePathColouring() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  d.type("jjjj")  // node 4: "0 4 6 7)", advantage −0.87
  #expect(d.line(containing: "Path · colour: entropy (c)") != nil)
  d.type("c")
  #expect(d.line(containing: "Path · colour: probability (c)") != nil)
  d.type("c")
  #expect(d.line(containing: "Path · colour: advantage (c)") != nil)
  // Node 4's tokens are red (negative advantage) in the path line.
  let grid = d.grid
  let pathRow = d.lines.firstIndex { $0.contains("┊0 4 6 7)") }!
  let x = Array(d.lines[pathRow]).lastIndex(of: "┊")! + 1
  #expect(grid[x, pathRow].style.foreground == .red)
  d.type("c")
  #expect(d.line(containing: "Path · colour: entropy (c)") != nil)
}
