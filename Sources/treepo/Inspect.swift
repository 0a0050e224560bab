import ArgumentParser
import Foundation
import TreePOTrace

extension Treepo {
  /// `treepo inspect FILE|DIR [--json]`: a trace's contents and problems, without a screen.
  struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Summarise and validate a trace, or a folder of them (exit status 0 only when "
        + "every file is valid).",
      discussion: """
        Counts steps, rollouts, prompts, nodes, paths by outcome and the mean reward, and lists \
        every problem with its file and line (a node spawned twice, a parent that does not exist \
        yet, a line that is not an event, …) instead of stopping at the first.
        """)

    @Argument(
      help: ArgumentHelp(
        "A trace file, or a folder: its *.jsonl files, else those in its traces/ folder (a "
          + "`treepo train` run).", valueName: "file-or-dir"))
    var path: String

    @Flag(help: "Print one JSON object (per-file summaries and the total) instead of text.")
    var json = false

    func validate() throws {
      guard FileManager.default.fileExists(atPath: path) else {
        throw ValidationError("\(path) does not exist.")
      }
    }

    func run() throws {
      let files = Self.traceFiles(at: path)
      let summaries = files.map { TraceSummary.of($0) }
      var total = TraceSummary(path: path)
      total.header = summaries.first?.header
      for s in summaries { total.add(s) }
      if files.isEmpty {
        total.problems = ["\(path) has no trace files (*.jsonl), nor a traces/ folder with some."]
        total.problemCount = 1
      }
      let valid = !files.isEmpty && summaries.allSatisfy(\.isValid)
      if json {
        let object: JSONValue = .object([
          ("valid", .bool(valid)), ("files", .array(summaries.map(\.json))),
          ("total", total.json),
        ])
        print(object.serialized())
      } else {
        if summaries.count != 1 || files.isEmpty {
          for s in summaries { print(Self.oneLine(s)) }
          print(Self.report(total, title: "total over \(files.count) file(s) in \(path)"))
        } else {
          print(Self.report(summaries[0], title: summaries[0].path))
        }
      }
      if !valid { throw ExitCode.failure }
    }

    /// A file, or a folder's *.jsonl (else its traces/*.jsonl), in step order (step_2 before
    /// step_10).
    static func traceFiles(at path: String) -> [URL] { TraceFiles.list(at: path) }

    static func oneLine(_ s: TraceSummary) -> String {
      let status = s.isValid ? "valid" : "\(s.problemCount) problem(s)"
      let reward = s.rewardMean.map { String(format: "reward mean %.3f", $0) } ?? "no rewards"
      return "\(s.path): \(s.rollouts) rollout(s), \(s.prompts) prompts, \(s.nodes) nodes, "
        + "\(reward); \(status)"
    }

    static func report(_ s: TraceSummary, title: String) -> String {
      var lines = [title]
      if let h = s.header {
        lines.append(
          "  \(TraceHeader.formatName) v\(h.version) · model \(h.model) · task \(h.task)")
      }
      lines.append(
        "  \(s.trainSteps) train step(s) · \(s.rollouts) rollout(s) · \(s.prompts) prompts · "
          + "\(s.nodes) nodes · \(s.events) events on \(s.lines) lines")
      let paths = NodeOutcome.allCases.map { "\(s.outcomes[$0.rawValue] ?? 0) \($0.rawValue)" }
      lines.append("  paths: " + paths.joined(separator: " · "))
      if let mean = s.rewardMean {
        lines.append(String(format: "  reward mean %.4f over %d paths", mean, s.rewardedPaths))
      } else {
        lines.append("  no rewards")
      }
      for w in s.warnings { lines.append("  warning: \(w)") }
      if s.isValid {
        lines.append("  valid")
      } else {
        lines.append("  \(s.problemCount) problem(s):")
        for p in s.problems { lines.append("    \(p)") }
        if s.problemCount > s.problems.count {
          lines.append("    … and \(s.problemCount - s.problems.count) more")
        }
      }
      return lines.joined(separator: "\n")
    }
  }
}
