import ArgumentParser
import Foundation
import TreePOEngine

/// `treepo import jsonl FILE…`: flat groups from any tool.
struct ImportJSONL: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "jsonl",
    abstract: "Import flat groups: lines {prompt, completion, reward, step?, group?, advantage?}.",
    discussion: """
      Samples group by "group" (else by prompt) within a step; each group becomes a prefix tree. \
      docs/verl.md shows the pandas line that turns TRL's completions parquet into this.
      """)

  @Argument(help: "JSONL files (.jsonl or .jsonl.gz).")
  var files: [String]

  @Option(name: .shortAndLong, help: "Trace to write (default: FIRST.trace.jsonl here).")
  var output: String?

  func validate() throws {
    if files.isEmpty { throw ValidationError("Give at least one JSONL file.") }
  }

  func run() throws {
    let out = output.map { URL(fileURLWithPath: $0) } ?? defaultImportOutput(for: files[0])
    try printImportReport(try FlatGroupImport.run(files: files, output: out))
  }
}
