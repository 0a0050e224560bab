import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  /// `treepo import verl|jsonl|trace`: rollouts of real training runs as treepo traces.
  struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Turn rollouts of a real training run into a trace for `treepo replay`.",
      subcommands: [ImportVerl.self, ImportJSONL.self, ImportTrace.self])
  }
}

/// What every import prints: skipped lines (the first 20 on stderr), then the one-line summary.
func printImportReport(_ report: ImportReport) throws {
  let shown = report.warnings.prefix(20)
  for warning in shown { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
  if report.warnings.count > shown.count {
    FileHandle.standardError.write(
      Data("… and \(report.warnings.count - shown.count) more like these.\n".utf8))
  }
  guard report.samples > 0 else {
    throw TraceError("Nothing to import: no valid line was found (\(report.skippedLines) skipped).")
  }
  print(report.summary)
}

/// `-o` default: the input's name with `.trace.jsonl`, in the current folder.
func defaultImportOutput(for input: String) -> URL {
  var name = URL(fileURLWithPath: input).lastPathComponent
  for suffix in [".gz", ".jsonl"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
  if name.hasSuffix(".trace") { name.removeLast(6) }
  return URL(fileURLWithPath: name + ".trace.jsonl")
}
