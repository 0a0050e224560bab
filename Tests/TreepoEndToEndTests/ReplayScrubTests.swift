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
    let prompt = Demo.lastRolloutFirstPrompt
    #expect(!prompt.isEmpty)
    #expect(end.contains(prompt))  // the last rollout's first prompt

    try session.send("<", "<")
    let total = Demo.grouped(Demo.eventCount)
    try session.waitForText("event \(Demo.grouped(Demo.eventCount - 2))/\(total)")

    try session.send("Home")
    let start = try session.waitForText("event 0/\(total)")
    #expect(!start.contains(prompt))

    try session.send("End")
    try session.waitForText("event \(total)/\(total)")
  }
}
