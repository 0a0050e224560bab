import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Item 9: the binary runs with Swift's interactive backtraces off even when the environment does
/// not say so (the runtime's default on a terminal waits 30 s on "Press space to interact" behind
/// a crashed explorer), and SIGQUIT quits the explorer like SIGTERM instead of printing a
/// backtrace over the screen and leaving the process running.
@Suite struct CrashReportTests {
  /// An empty SWIFT_BACKTRACE is the runtime's default; the wrapper would otherwise set it.
  static let runtimeDefaults = ["SWIFT_BACKTRACE": ""]

  @Test func aCrashInTheExplorerExitsWithoutWaitingForAKey() throws {
    let session = try TmuxSession(Demo.replayArguments, environment: Self.runtimeDefaults)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    #expect(kill(try session.treepoPID(), SIGSEGV) == 0)
    #expect(try session.waitForExit(timeout: 20) == 128 + SIGSEGV)
    let screen = try session.screenWithHistory()
    #expect(!screen.contains("Press space to interact"), "\(screen)")
    #expect(try session.terminalRestoreProblems() == [])
  }

  @Test func sigquitQuitsTheExplorerCleanly() throws {
    let session = try TmuxSession(Demo.replayArguments, environment: Self.runtimeDefaults)
    defer { session.close() }
    try Demo.waitUntilOpen(session)
    #expect(kill(try session.treepoPID(), SIGQUIT) == 0)
    #expect(try session.waitForExit(timeout: 10) == 128 + SIGQUIT)
    let screen = try session.screenWithHistory()
    #expect(!screen.contains("Program crashed") && !screen.contains("Thread 0"), "\(screen)")
    #expect(try session.terminalRestoreProblems() == [])
  }
}
