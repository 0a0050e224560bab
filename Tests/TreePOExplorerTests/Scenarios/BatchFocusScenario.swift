import Testing
import TreePOExplorer

// [ ] switch prompts; Tab moves focus to the Batch pane where j/k pick the prompt; each prompt
// keeps its own selection.

@Test func switchPromptsFromTheBatch() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  d.type("jj")
  #expect(d.explorer.selectedNode == 3)
  d.type("]")
  #expect(d.line(containing: "Tree · prompt 1") != nil)
  #expect(d.explorer.selectedNode == 100)
  #expect(d.line(containing: "▶1 1 2 3 4>5:") != nil)
  d.type("]")  // no third prompt
  #expect(d.explorer.state.promptPosition == 1)
  d.press(.tab)
  #expect(d.explorer.state.focus == .batch)
  d.type("k")
  #expect(d.explorer.state.promptPosition == 0)
  #expect(d.explorer.selectedNode == 3)  // prompt 0 kept its selection
  d.press(.tab)
  d.type("j")
  #expect(d.explorer.selectedNode == 6)
}
