import Foundation
import TreePOEngine

/// Keeps every event of a live session so `s` can save the trace so far. Each save writes a new
/// file with the whole history (header + events), named by the time, so earlier saves stay intact.
/// Any thread may append (the engine's sink); saving happens on the main thread.
final class TraceRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [TreeEvent] = []
  private let header: TraceHeader
  /// "." saves next to where treepo was started and shows a bare file name.
  private let directory: String

  init(header: TraceHeader, directory: String) {
    self.header = header
    self.directory = directory
  }

  func append(_ event: TreeEvent) {
    lock.lock()
    events.append(event)
    lock.unlock()
  }

  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return events.count
  }

  /// Writes `treepo-YYYYMMDD-HHMMSS[-N].jsonl` and returns its path.
  func save(now: Date = Date()) throws -> String {
    lock.lock()
    let snapshot = events
    lock.unlock()
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "yyyyMMdd-HHmmss"
    let stem = "treepo-\(formatter.string(from: now))"
    let prefix = directory == "." ? "" : directory.hasSuffix("/") ? directory : directory + "/"
    var path = "\(prefix)\(stem).jsonl"
    var suffix = 2
    while FileManager.default.fileExists(atPath: path) {
      path = "\(prefix)\(stem)-\(suffix).jsonl"
      suffix += 1
    }
    let writer = try TraceWriter(url: URL(fileURLWithPath: path), header: header)
    defer { writer.close() }
    try writer.write(snapshot)
    return path
  }
}
