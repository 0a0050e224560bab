import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// SIGTERM, SIGINT and SIGHUP quit through the normal path (status 128 + signal); a crash
/// (SIGSEGV here, as a fault would raise it) restores the terminal before Swift's crash report and
/// still dies by the signal. Either way the terminal is left as it was found.
@Suite struct SignalsRestoreTerminalTests {
  @Test(arguments: [SIGTERM, SIGINT, SIGHUP, SIGSEGV])
  func signalRestoresTerminal(signal: Int32) throws {
    let session = try TmuxSession(Demo.replayArguments)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    #expect(kill(try session.treepoPID(), signal) == 0)
    #expect(try session.waitForExit(timeout: 30) == 128 + signal)
    #expect(try session.terminalRestoreProblems() == [])
    if signal == SIGSEGV {
      #expect(try session.screenWithHistory().contains("Program crashed"))
    }
  }
}
