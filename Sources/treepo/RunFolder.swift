// The files of a training run folder that outlive one process: starting over refuses to mix two
// runs, and resuming after a kill drops what the killed process wrote past its last checkpoint.

import Foundation

enum RunFolder {
  /// The entries `treepo train` writes into `<checkpoints>/<run>/`.
  static func trainEntries(in root: URL) -> [URL] {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    return names.filter {
      $0 == "metrics.jsonl" || $0 == "eval.jsonl" || $0 == "traces" || $0.hasPrefix("global_step_")
        || $0.hasPrefix("latest_checkpointed_iteration.txt")
    }.sorted().map { root.appendingPathComponent($0) }
  }

  /// A fresh run: refuses a folder that already holds a run unless `overwrite`, which removes it.
  static func startFresh(_ root: URL, overwrite: Bool) throws {
    let existing = trainEntries(in: root)
    guard !existing.isEmpty else { return }
    guard overwrite else {
      let names = existing.map(\.lastPathComponent)
      let listed = names.prefix(3).joined(separator: ", ") + (names.count > 3 ? ", …" : "")
      throw CommandError(
        "\(root.path) already holds a run (\(listed)); continue it with --resume, start over "
          + "with --overwrite, or pick another --run.")
    }
    for url in existing {
      try FileErrors.explained(path: url.path, doing: "remove it") {
        try FileManager.default.removeItem(at: url)
      }
    }
  }

  /// Keeps the lines of a `{"step": N, …}` log up to `step` (a line cut by a kill, or written
  /// after the checkpoint being resumed, goes); rewrites the file atomically. Returns the kept
  /// records' `data` objects with their steps.
  @discardableResult
  static func truncateLog(_ url: URL, toStep step: Int) throws -> [(step: Int, data: [String: Any])]
  {
    guard FileManager.default.fileExists(atPath: url.path) else { return [] }
    let text = try FileErrors.explained(path: url.path, doing: "read it") {
      try String(contentsOf: url, encoding: .utf8)
    }
    var kept: [Substring] = []
    var records: [(step: Int, data: [String: Any])] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      guard
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
        let n = object["step"] as? Int, n <= step
      else { continue }
      kept.append(line)
      records.append((n, object["data"] as? [String: Any] ?? [:]))
    }
    let body = kept.isEmpty ? "" : kept.joined(separator: "\n") + "\n"
    guard body != text else { return records }
    let temp = url.appendingPathExtension("tmp-\(getpid())")
    try FileErrors.explained(path: temp.path, doing: "write it") {
      try Data(body.utf8).write(to: temp)
    }
    guard rename(temp.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temp.path)
      throw CommandError("\(url.path): could not replace it (\(reason)).")
    }
    return records
  }

  /// Removes `*.tmp-PID` files (an atomic write cut short) that no live process is writing, in
  /// `folder` and its immediate subfolders.
  static func removeStaleTemporaries(in folder: URL) {
    let fm = FileManager.default
    var folders = [folder]
    for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] {
      var isDir: ObjCBool = false
      let url = folder.appendingPathComponent(name)
      if fm.fileExists(atPath: url.path, isDirectory: &isDir), isDir.boolValue {
        folders.append(url)
      }
    }
    for dir in folders {
      for name in (try? fm.contentsOfDirectory(atPath: dir.path)) ?? [] {
        guard let range = name.range(of: ".tmp-", options: .backwards),
          let pid = Int32(name[range.upperBound...]), pid == getpid() || kill(pid, 0) != 0
        else { continue }
        try? fm.removeItem(at: dir.appendingPathComponent(name))
      }
    }
  }
}
