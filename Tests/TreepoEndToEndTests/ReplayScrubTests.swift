import Testing

/// `treepo replay FILE` opens at the end of the trace; `<` steps one event back, Home goes to the
/// start, End back to the end — and the tree pane follows.
@Suite struct ReplayScrubTests {
  @Test func scrubsThroughTheTrace() throws {
    let session = try TmuxSession(Demo.replayArguments)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    let end = try session.screen()
    #expect(end.contains("REPLAY"))
    #expect(end.contains("Tree · prompt 0"))
    #expect(end.contains("5 4 6 5>8:"))  // the second rollout's first prompt

    try session.send("<", "<")
    try session.waitForText("event \(Demo.eventCount - 2)/\(Demo.eventCount)")

    try session.send("Home")
    let start = try session.waitForText("event 0/\(Demo.eventCount)")
    #expect(!start.contains("5 4 6 5>8:"))

    try session.send("End")
    try session.waitForText("event \(Demo.eventCount)/\(Demo.eventCount)")
  }
}
