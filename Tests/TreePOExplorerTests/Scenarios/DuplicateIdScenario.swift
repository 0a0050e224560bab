import Testing
import TreePOExplorer
import TreePOTrace

// Two spawns of one node id (a damaged trace): the second is kept out and counted, and search,
// navigation and rendering carry on (issue 12, item 3: `/` trapped on "Duplicate values for key").

@Test func searchSurvivesTwoNodesWithOneId() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  let before = d.explorer.store.orphanEvents
  d.feed([
    Scenes.spawn(3, 2, depth: 2, .divergence),  // id 3 again, under another parent
    Scenes.spawn(4, 4, depth: 3, .divergence),  // id 4 again, under itself (a loop)
  ])
  #expect(d.explorer.store.orphanEvents == before + 2)
  d.type("/0 4")
  d.press(.enter)
  #expect(d.explorer.selectedNode == 3)
  #expect(d.line(containing: "match 1/3") != nil)
  d.type("nnNG")
  _ = d.screen
}

@Test func rowsAndPathsStopAtALoopInTheTree() {
  var tree = PromptTree(info: PromptInfo(index: 0, text: "p", tokenIds: [1]))
  tree.root = 0
  var root = TreeNode(id: 0, parent: 1, depth: 0, reason: .root)
  root.children = [1, 1]
  var child = TreeNode(id: 1, parent: 0, depth: 1, reason: .initial)
  child.children = [0]
  tree.nodes = [0: root, 1: child]
  #expect(tree.rows { _ in false }.map(\.node) == [0, 1])
  #expect(tree.depthFirstOrder == [0, 1])
  #expect(tree.path(to: 1).count <= 3)
}
