import ArgumentParser
import Foundation
import TreePOEngine

/// `treepo import verl DIR`: verl's `trainer.rollout_data_dir` (one `<step>.jsonl` per step).
struct ImportVerl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "verl",
    abstract: "Import verl's rollout dumps (trainer.rollout_data_dir: <step>.jsonl per step).",
    discussion: """
      Groups a step's lines by uid (else by input). Lines with TreePO's tree_idx and \
      token_count_per_step become their exact tree; flat groups become prefix trees that show \
      where the samples part ways. Bad lines are skipped, one sentence each.
      """)

  @Argument(help: "The rollout_data_dir folder (<step>.jsonl or <step>.jsonl.gz files).")
  var directory: String

  @Option(name: .shortAndLong, help: "Trace to write (default: FOLDER.trace.jsonl here).")
  var output: String?

  func run() throws {
    let out = output.map { URL(fileURLWithPath: $0) } ?? defaultImportOutput(for: directory)
    try printImportReport(try VerlDumpImport.run(directory: directory, output: out))
  }
}
