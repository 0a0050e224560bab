import Testing

/// `?` shows every key (generated from the key map), training keys marked unavailable in replay;
/// Esc closes it.
@Suite struct HelpOverlayTests {
  @Test func questionMarkShowsKeysAndEscapeCloses() throws {
    let session = try TmuxSession(Demo.replayArguments, width: 120, height: 40)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    try session.send("?")
    // Wait for the overlay's last line, not its title: a capture can catch a half-painted frame.
    _ = try session.waitForText("┌ Keys")
    let help = try session.waitForText("not available in replay")
    #expect(help.contains("decode one round"))
    #expect(help.contains("not available in replay"))
    try session.send("Escape")
    try session.waitForScreen("the overlay to close") { !$0.contains("┌ Keys") }
  }
}
