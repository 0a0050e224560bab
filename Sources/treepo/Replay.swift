import ArgumentParser
import Foundation
import TreePOEngine
import TreePOExplorer

extension Treepo {
  /// `treepo replay FILE|DIR [--follow]`: the explorer over a saved trace, scrubbable event by
  /// event; over a run of several steps (a folder of step traces or a multi-step trace) with a
  /// step list and a sortable batch list, each step read from disk when shown.
  struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open a saved trace or a whole run in the explorer (steps with [ ], events with "
        + "< > { } Home End).")

    @Argument(
      help: ArgumentHelp(
        "A trace file written by `treepo sample`, `treepo train`, `treepo import` or the "
          + "explorer's `s`; or a folder of step traces (its *.jsonl, else its traces/), "
          + "browsed step by step; or verl's rollout_data_dir (<step>.jsonl), imported first.",
        valueName: "file-or-dir"))
    var file: String

    @Flag(
      help: ArgumentHelp(
        "Follow a trace (or folder) a training run is still writing: new steps appear as they "
          + "are written; a half-written last line is waited for."))
    var follow = false

    @OptionGroup var screen: ScreenOptions

    func run() throws {
      // A verl dump folder is imported into a temporary trace first (deleted on exit).
      let imported = Self.isVerlDump(file) ? try Self.importVerlDump(file, follow: follow) : nil
      defer { if let imported { try? FileManager.default.removeItem(at: imported) } }
      let path = imported?.path ?? file
      // Index (or read) before the screen opens: a bad file is one sentence on stderr and the
      // terminal is never touched.
      // A big run opens at its first step; the rest is indexed between keys (following opens
      // at the newest step, so it indexes everything first).
      let index = try RunIndex(
        path: path, follow: follow, scanBudget: follow ? .max : Explorer.indexChunk)
      // One step is replayed whole, unless it is too big to hold: then it is a run of one step,
      // shown per tree.
      let big = (index.steps.first?.bytes ?? 0) > RunState.defaultWholeStepBytes
      guard follow || index.steps.count > 1 || !index.complete || big else {
        return try replayOne(path)
      }
      var final = index
      try ScreenSession.run(options: screen) { terminal, wake in
        var explorer = Explorer.run(index: index, colorDepth: terminal.colorSupport.depth)
        if let warning = index.warnings.first { explorer.setMessage(warning) }
        var loop = TerminalLoop(screen: explorer, terminal: terminal, wake: wake)
        if follow {
          loop.tick = { $0.followRun() }
        } else if !index.complete {
          loop.tick = { $0.indexMore() }
          loop.tickMs = 20
        }
        let status = loop.run()
        final = loop.screen.run?.index ?? index
        return status
      }
      for warning in final.warnings {
        FileHandle.standardError.write(Data("\(warning)\n".utf8))
      }
      // Damaged lines were left out of their steps: say where, once the screen is gone.
      for step in final.steps {
        guard let d = step.damage else { continue }
        let more =
          step.damagedLines > 1 ? " (\(step.damagedLines) in step \(step.summary.rollout))" : ""
        FileHandle.standardError.write(
          Data(
            "\(final.files[step.file].path): line \(d.line) \(d.reason); left out\(more).\n".utf8))
      }
    }

    /// One step (or none): the whole trace in memory, scrubbable event by event.
    private func replayOne(_ path: String) throws {
      let trace = try Self.load(path)
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
      let files = TraceFiles.list(at: path)
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
