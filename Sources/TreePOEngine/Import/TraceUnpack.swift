import Foundation

// A gzip'd treepo trace (the verl hook writes one gzip member per step) → a plain trace, checked
// by the trace reader before it takes the output's name.

public enum TraceUnpack {
  public struct Report: Sendable {
    public var events = 0
    public var rollouts = 0
    public var warnings: [String] = []
  }

  public static func run(path: String, output: URL) throws -> Report {
    let temporary = output.deletingLastPathComponent().appendingPathComponent(
      ".\(output.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
    defer { try? FileManager.default.removeItem(at: temporary) }
    let reader = try ImportLineReader(path: path)
    guard FileManager.default.createFile(atPath: temporary.path, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary.path)
    else { throw TraceError("Cannot create \(temporary.path).") }
    var pending: [UInt8] = []
    while let line = try reader.next() {
      pending.append(contentsOf: line.bytes)
      if line.terminated { pending.append(0x0A) }
      if pending.count >= 1 << 20 {
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
      }
    }
    try handle.write(contentsOf: pending)
    try handle.close()
    var report = Report()
    do {
      var trace = try TraceReader(url: temporary)
      while let event = try trace.next() {
        report.events += 1
        if case .rolloutStarted = event { report.rollouts += 1 }
      }
      report.warnings = trace.warnings + (trace.skippedSummary.map { [$0] } ?? [])
    } catch let error as TraceError {
      throw TraceError(error.message.replacingOccurrences(of: temporary.path, with: path))
    }
    if reader.cutShort {
      report.warnings.append(
        "\(path) ends inside a gzip member (the run was stopped mid-step); kept what was whole.")
    }
    report.warnings = report.warnings.map {
      $0.replacingOccurrences(of: temporary.path, with: path)
    }
    guard rename(temporary.path, output.path) == 0 else {
      throw TraceError("Cannot write \(output.path): \(String(cString: strerror(errno))).")
    }
    return report
  }
}
