import Testing

/// Colours by default; an 8-colour terminal gets only the 8 basic colours (bright ones become
/// bold); `NO_COLOR` (non-empty) or `--no-color` → no colour at all, while the text stays the same.
@Suite struct NoColorTests {
  @Test func defaultHasColours() throws {
    let styled = try Self.styledScreen(arguments: Demo.replayArguments, environment: [:])
    #expect(Self.hasColour(styled))
    #expect(Self.hasColour(styled, bright: true))
  }

  @Test func eightColourTerminalGetsBasicColoursOnly() throws {
    let styled = try Self.styledScreen(
      arguments: Demo.replayArguments, environment: ["TERM": "xterm"])
    #expect(Self.hasColour(styled))
    #expect(!Self.hasColour(styled, bright: true), "bright colours on an 8-colour terminal")
  }

  @Test(arguments: [
    (["--no-color"], [String: String]()),
    ([], ["NO_COLOR": "1"]),
  ])
  func noColour(extra: [String], environment: [String: String]) throws {
    let styled = try Self.styledScreen(
      arguments: Demo.replayArguments + extra, environment: environment)
    #expect(!Self.hasColour(styled), "colour escapes in:\n\(styled)")
    #expect(styled.contains("REPLAY"))
  }

  private static func styledScreen(
    arguments: [String], environment: [String: String]
  ) throws -> String {
    let session = try TmuxSession(arguments, environment: environment)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    return try session.screenWithStyles()
  }

  /// SGR colour parameters: basic 30–37 / 40–47; bright 90–97 / 100–107 and 38;5 / 48;5.
  private static func hasColour(_ styled: String, bright: Bool = false) -> Bool {
    var index = styled.startIndex
    while let start = styled[index...].range(of: "\u{1B}[") {
      guard let end = styled[start.upperBound...].firstIndex(of: "m") else { break }
      let parameters = styled[start.upperBound..<end].split(separator: ";").compactMap { Int($0) }
      let basic = parameters.contains { (30...37).contains($0) || (40...47).contains($0) }
      let extended = parameters.contains {
        (90...97).contains($0) || (100...107).contains($0) || $0 == 38 || $0 == 48
      }
      if bright ? extended : (basic || extended) {
        return true
      }
      index = end
    }
    return false
  }
}
