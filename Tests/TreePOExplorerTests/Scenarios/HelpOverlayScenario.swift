import Testing
import TreePOExplorer

// `?` opens the key overlay over the panes, j scrolls it, Esc (or any other key) closes it without
// acting on the key.

@Test func helpOpensScrollsAndCloses() {
  var d = ExplorerDriver(size: .init(width: 80, height: 24))
  d.feed(Scenes.finishedBatch)
  d.type("?")
  #expect(d.line(containing: "Keys") != nil)
  #expect(d.line(containing: "decode one round") != nil)
  #expect(d.line(containing: "one event back") == nil)  // below the fold at 80×24
  d.type("j")
  #expect(d.explorer.state.helpScroll == 1)
  for _ in 0..<40 { d.type("j") }
  #expect(d.line(containing: "one event back") != nil)
  #expect(d.line(containing: "decode one round") == nil)
  d.type("q")  // closes the overlay, does not quit
  #expect(!d.explorer.wantsQuit)
  #expect(d.line(containing: "one event back") == nil)
  d.type("?")
  d.press(.escape)
  #expect(d.explorer.state.helpScroll == nil)
}
