import ArgumentParser
import Foundation
import TreePOEngine
import TreePOExplorer

extension Treepo {
  /// `treepo replay FILE|DIR`: the explorer over a saved trace (or a run's step traces, one after
  /// another), scrubbable event by event.
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open a saved trace in the explorer (step through it with < > { } Home End).")

    @Argument(
      help: ArgumentHelp(
        "A trace file written by `treepo sample`, `treepo train`, `treepo import` or the "
          + "explorer's `s`; or a folder of step traces (its *.jsonl, else its traces/), "
          + "replayed in step order.", valueName: "file-or-dir"))
    var file: String

    @OptionGroup var screen: ScreenOptions

    func run() throws {
      // Read the whole file before the screen opens: a bad file is one sentence on stderr and
      // the terminal is never touched.
      let trace = try Self.load(file)
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

    /// One file, or a folder's step traces concatenated (the header is the first file's). A node
    /// spawned twice or under a missing parent is left out and shown as a warning; a line that is
    /// not an event, or a file that is not a trace, is one sentence.
    static func load(_ path: String) throws -> Trace {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
        isDirectory.boolValue
      else { return try Trace.load(URL(fileURLWithPath: path), leavingOutTreeProblems: true) }
      let files = try Inspect.traceFiles(at: path)
      guard let first = files.first else {
        throw TraceError("\(path) has no trace files (*.jsonl), nor a traces/ folder with some.")
      }
      var trace = try Trace.load(first, leavingOutTreeProblems: true)
      for url in files.dropFirst() {
        let next = try Trace.load(url, leavingOutTreeProblems: true)
        trace.events += next.events
        trace.warnings += next.warnings
      }
      return trace
    }
  }
}
