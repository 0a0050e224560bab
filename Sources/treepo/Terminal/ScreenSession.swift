import ArgumentParser
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Flags every explorer-opening command shares.
struct ScreenOptions: ParsableArguments {
  @Flag(
    name: .customLong("no-color"),
    help: "No colours (also when NO_COLOR is set); glyphs and signs still carry the meaning.")
  var noColor = false
}

/// Opens the terminal around `body` and restores it however `body` ends: normally, by a thrown
/// error, or (through `SignalGuard`) by a signal or a crash. Errors thrown before the screen opens
/// leave the terminal untouched.
enum ScreenSession {
  static func run(
    options: ScreenOptions, _ body: (Terminal, WakePipe) throws -> Int32
  ) throws {
    try requireCapableTerminal(ProcessInfo.processInfo.environment["TERM"])
    let wake = try WakePipe()
    SignalGuard.install(wakeFD: wake.writeFD)
    let colors = ColorSupport.requested(
      noColorFlag: options.noColor, environment: ProcessInfo.processInfo.environment)
    let terminal = try Terminal(colorsWanted: colors)
    let status: Int32
    do {
      status = try body(terminal, wake)
    } catch {
      terminal.close()
      throw error
    }
    terminal.close()
    if status != 0 { throw ExitCode(status) }
  }

  /// A dumb terminal (or none named) cannot place the cursor: one sentence instead of garbage.
  static func requireCapableTerminal(_ term: String?) throws {
    let term = term ?? ""
    guard term.isEmpty || term == "dumb" else { return }
    throw CommandError(
      "The explorer needs a terminal that can move the cursor, but TERM is "
        + (term.isEmpty ? "not set" : "\"dumb\"")
        + "; run it in a full terminal (e.g. TERM=xterm-256color), or use `treepo sample` / "
        + "`treepo train` for plain-text output.")
  }
}
