import Foundation
import TreePOEngine

// `treepo replay DIR` on verl's own rollout dump (`trainer.rollout_data_dir`: `<step>.jsonl` lines
// of `input`, `output`, `score`, …): imported into a temporary trace first, so a verl user opens a
// run without a separate `treepo import verl` (which keeps the trace; this one is deleted on exit).

extension Treepo.Replay {
  /// Whether `path` is a folder of verl step files rather than of treepo traces: its first step
  /// file is gzip (treepo's traces are plain lines) or its first line is not a trace header.
  static func isVerlDump(_ path: String) -> Bool {
    guard let files = try? VerlDumpImport.stepFiles(in: path), let first = files.first else {
      return false
    }
    if first.path.hasSuffix(".gz") { return true }
    guard let handle = FileHandle(forReadingAtPath: first.path) else { return false }
    defer { try? handle.close() }
    let head = (try? handle.read(upToCount: 4096)) ?? Data()
    let line = head.prefix { $0 != 0x0A }
    return !line.isEmpty && !String(decoding: line, as: UTF8.self).contains("\"treepo-trace\"")
  }

  /// Imports the verl dump at `directory` into a temporary trace (bad lines reported on stderr,
  /// the summary on stdout before the screen opens) and returns the trace's location.
  static func importVerlDump(_ directory: String, follow: Bool) throws -> URL {
    if follow {
      throw TraceError(
        "--follow reads treepo traces and \(directory) is a verl rollout dump: import it with "
          + "`treepo import verl`, or write traces while training with integrations/verl.")
    }
    let temp = FileManager.default.temporaryDirectory.appendingPathComponent(
      "treepo-replay-\(UUID().uuidString).trace.jsonl")
    do {
      try printImportReport(try VerlDumpImport.run(directory: directory, output: temp))
    } catch {
      try? FileManager.default.removeItem(at: temp)
      throw error
    }
    print(
      "\(directory): a verl rollout dump, imported for this replay "
        + "(`treepo import verl \(directory) -o FILE` keeps the trace).")
    return temp
  }
}
