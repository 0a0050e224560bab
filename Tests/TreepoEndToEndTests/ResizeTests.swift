import Testing

/// The explorer follows the terminal's size at any time; below the minimum it shows one line
/// naming the size it needs, and recovers when the terminal grows again.
@Suite struct ResizeTests {
  @Test func followsResizeAndShowsTooSmall() throws {
    let session = try TmuxSession(Demo.replayArguments, width: 100, height: 30)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    #expect(try session.screen().split(separator: "\n").first?.count == 100)

    try session.resize(width: 120, height: 36)
    let wide = try session.waitForScreen("a 120-column frame") {
      $0.split(separator: "\n").first?.count == 120
    }
    #expect(wide.split(separator: "\n", omittingEmptySubsequences: false).count >= 36)

    try session.resize(width: 70, height: 20)
    let small = try session.waitForText("too small")
    #expect(small.contains("70×20"))
    #expect(small.contains("80×24"))

    try session.resize(width: 90, height: 28)
    try session.waitForScreen("a 90-column frame") {
      $0.split(separator: "\n").first?.count == 90 && $0.contains("REPLAY")
    }
  }
}
