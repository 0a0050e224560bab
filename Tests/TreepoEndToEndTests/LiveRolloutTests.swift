import Testing

/// `treepo explore` on the bundled model: each space decodes one round on the engine thread and
/// the tree grows on screen.
@Suite struct LiveRolloutTests {
  @Test func spaceDecodesRoundsAndNodesAppear() throws {
    let session = try TmuxSession(Live.arguments, width: 120, height: 40)
    defer { session.close() }
    try Live.waitUntilOpen(session)
    try session.send("Space")
    let first = try session.waitForScreen(timeout: 60, "the first round's nodes") {
      Live.nodeCount($0) >= 3
    }
    try session.send("Space", "Space")
    try session.waitForScreen(timeout: 60, "more nodes after two more rounds") {
      Live.nodeCount($0) > Live.nodeCount(first)
    }
    try session.send("q")
    #expect(try session.waitForExit(timeout: 30) == 0)
    #expect(try session.terminalRestoreProblems() == [])
  }
}
