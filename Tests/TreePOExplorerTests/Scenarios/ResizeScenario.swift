import Foundation
import Testing
import TreePOExplorer

// Below 80×24 one line says the size needed; growing back shows the panes again.

@Test func tooSmallThenBigEnough() {
  var d = ExplorerDriver(size: .init(width: 70, height: 30))
  d.feed(Scenes.finishedBatch)
  let message = "Terminal too small (70×30): treepo needs at least 80×24."
  #expect(d.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } == [d.lines[15]])
  #expect(d.lines[15].contains(message))
  d.resize(.init(width: 80, height: 23))
  #expect(d.line(containing: "(80×23)") != nil)
  d.resize(.init(width: 80, height: 24))
  #expect(d.line(containing: "Tree · prompt 0") != nil)
  #expect(d.lines.count == 24)
  d.resize(.init(width: 20, height: 3))
  #expect(d.lines[1] == "Terminal too small …")
}
