import ArgumentParser
import Foundation
import TreePOEngine

/// `treepo import trace FILE.gz`: a gzip'd treepo trace (what the verl hook writes) made plain
/// and checked, so `treepo replay` opens it.
struct ImportTrace: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trace",
    abstract: "Unpack and check a gzip'd treepo trace (the verl hook's output).")

  @Argument(help: "A treepo trace, gzip'd (.jsonl.gz) or plain.")
  var file: String

  @Option(name: .shortAndLong, help: "Trace to write (default: NAME.trace.jsonl here).")
  var output: String?

  func run() throws {
    let out = output.map { URL(fileURLWithPath: $0) } ?? defaultImportOutput(for: file)
    let report = try TraceUnpack.run(path: file, output: out)
    for warning in report.warnings { FileHandle.standardError.write(Data("\(warning)\n".utf8)) }
    print("Wrote \(report.events) event(s) of \(report.rollouts) step(s) to \(out.path).")
  }
}
