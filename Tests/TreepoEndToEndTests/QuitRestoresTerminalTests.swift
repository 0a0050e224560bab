import Foundation
import Testing

/// `q` and Ctrl-C leave treepo with status 0 and the terminal exactly as it was: same stty modes,
/// alternate screen left, cursor visible, mouse reporting off.
@Suite struct QuitRestoresTerminalTests {
  @Test(arguments: ["q", "C-c"])
  func quitKeyExitsZeroAndRestores(key: String) throws {
    let session = try TmuxSession(Demo.replayArguments)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    #expect(try session.paneFormat("#{alternate_on}") == "1")
    try session.send(key)
    #expect(try session.waitForExit() == 0)
    #expect(try session.terminalRestoreProblems() == [])
  }
}
