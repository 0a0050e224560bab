import ArgumentParser
import Foundation
import TreePOEngine
import TreePOExplorer

extension Treepo {
  /// `treepo replay FILE`: the explorer over a saved trace, scrubbable event by event.
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open a saved trace in the explorer (step through it with < > { } Home End).")

    @Argument(
      help: "A trace file written by `treepo sample`, `treepo train` or the explorer's `s`.")
    var file: String

    @OptionGroup var screen: ScreenOptions

    func run() throws {
      // Read the whole file before the screen opens: a bad file is one sentence on stderr and
      // the terminal is never touched.
      let trace = try Trace.load(URL(fileURLWithPath: file))
      try ScreenSession.run(options: screen) { terminal, wake in
        var explorer = Explorer(
          mode: .replay(events: trace.events, header: trace.header),
          colorDepth: terminal.colorSupport.depth)
        if let warning = trace.warnings.first { explorer.setMessage(warning) }
        var loop = TerminalLoop(screen: explorer, terminal: terminal, wake: wake)
        return loop.run()
      }
      // Whatever the status bar showed is gone with the screen: repeat it where it stays.
      for warning in trace.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
    }
  }
}
