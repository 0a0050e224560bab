import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A run — one trace of many steps, or a folder of step traces — indexed by one fast scan: where
/// each step's lines are (byte offsets) and its summary. A step is the lines from one
/// `rollout_started` to the next. The scan decodes only the small lines (`rollout_started`,
/// `node_ended`, `round_finished`, `train_step`, …); a line that starts as treepo writes a segment
/// or a spawn (`{"kind":"segment_decoded"`) is passed over unread, so a 1 GB run is indexed at the
/// speed of finding newlines. `events(ofStep:)` decodes one step when it is shown.
///
/// A line that is not an event is one sentence naming its file and line. A half-written last line
/// is skipped with a warning, or, when following a run still being written, waited for.
public struct RunIndex: Sendable {
  public struct Step: Sendable, Equatable {
    /// Index in `files`.
    public var file: Int
    /// Byte offset of the step's `rollout_started` line, and just past its last line.
    public var start: Int
    public var end: Int
    /// Line number of `start` (the header is line 1).
    public var line: Int
    public var summary: StepSummary
  }

  public let path: String
  /// The first file's header.
  public let header: TraceHeader
  public private(set) var files: [URL]
  public private(set) var steps: [Step] = []
  /// Skipped lines (a truncated last line, events of unknown kinds).
  public private(set) var warnings: [String] = []
  /// Wait for a half-written last line instead of skipping it (`--follow`).
  public let follow: Bool

  private struct Progress: Sendable {
    /// Bytes of complete lines indexed, lines counted, and the file size at the last scan.
    var offset = 0
    var line = 0
    var seenSize = 0
  }
  private var progress: [Progress]
  private let isFolder: Bool

  public init(path: String, follow: Bool = false) throws {
    self.path = path
    self.follow = follow
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw TraceError("\(path) does not exist.")
    }
    isFolder = isDirectory.boolValue
    files = TraceFiles.list(at: path)
    guard let first = files.first else {
      throw TraceError("\(path) has no trace files (*.jsonl), nor a traces/ folder with some.")
    }
    // The reader's own checks and sentences for a file that is not a trace.
    header = try TraceReader(url: first).header
    progress = Array(repeating: Progress(), count: files.count)
    _ = try update()
  }

  /// Indexes what was appended since the last scan (and a folder's new files). True when a line
  /// was added.
  public mutating func update() throws -> Bool {
    if isFolder {
      let known = Set(files.map(\.path))
      for url in TraceFiles.list(at: path) where !known.contains(url.path) {
        files.append(url)
        progress.append(Progress())
      }
    }
    var changed = false
    for i in files.indices where try scan(file: i) { changed = true }
    return changed
  }

  private mutating func scan(file i: Int) throws -> Bool {
    let url = files[i]
    var p = progress[i]
    var info = stat()
    guard stat(url.path, &info) == 0 else {
      throw TraceError("Cannot read trace file \(url.path): \(String(cString: strerror(errno))).")
    }
    let size = Int(info.st_size)
    // Nothing new, or only more of a half-written line than last time: it can wait.
    guard size > p.offset, size != p.seenSize else { return false }
    p.seenSize = size
    var document = JSONDocument()
    var changed = false
    let maxLine = TraceReader.defaultMaxLineBytes
    do {
      try RunLines.scan(path: url.path, from: p.offset, maxLineBytes: maxLine) {
        line, offset, terminated in
        if !terminated && follow { return false }
        let number = p.line + 1
        let end = offset + line.count + (terminated ? 1 : 0)
        if line.count > maxLine { throw RunLines.TooLong(offset: offset) }
        var kept = true
        if number == 1 {
          if i > 0 { _ = try TraceReader(url: url) }  // the first file's header was read on open
        } else {
          kept = try index(
            line, number: number, offset: offset, end: end, terminated: terminated, file: i,
            document: &document)
        }
        p.line = number
        p.offset = end
        if kept, let last = steps.indices.last, steps[last].file == i { steps[last].end = end }
        changed = true
        return true
      }
    } catch is RunLines.TooLong {
      throw TraceError(
        "\(url.path): line \(p.line + 1) is longer than \(maxLine >> 20) MiB, the most a trace "
          + "line may be.")
    }
    progress[i] = p
    return changed
  }

  /// Lines that begin as treepo writes these kinds are not decoded by the scan.
  private static let passedOver: [[UInt8]] = [
    "node_spawned", "segment_decoded", "advantages_assigned", "fallback",
  ].map { Array("{\"kind\":\"\($0)\"".utf8) }
  static let nodeEnded = Array("{\"kind\":\"node_ended\",".utf8)

  /// False for a truncated last line (skipped, and not part of any step).
  private mutating func index(
    _ line: UnsafeBufferPointer<UInt8>, number: Int, offset: Int, end: Int, terminated: Bool,
    file: Int, document: inout JSONDocument
  ) throws -> Bool {
    // A last line without its newline may be cut short: it always gets the full parse.
    if terminated, Self.passedOver.contains(where: { Self.starts(line, with: $0) }) { return true }
    if terminated, Self.starts(line, with: Self.nodeEnded), let ended = Self.quickNodeEnded(line) {
      if let last = steps.indices.last, steps[last].file == file {
        steps[last].summary.count(.nodeEnded(ended))
      }
      return true
    }
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
    do throws(JSONParseError) {
      try document.parse(ArraySlice(line))
      guard document.kind(document.root) == .object else {
        throw JSONParseError(line: 1, column: 1, reason: "not an object")
      }
    } catch {
      let path = files[file].path
      if !terminated {
        warnings.append(
          "\(path): line \(number) is truncated (no newline at the end of the file, not valid "
            + "JSON); skipped it.")
        return false
      }
      throw TraceError(
        "\(path): line \(number) is not a valid event (not JSON: \(error.reason) at column "
          + "\(error.column)).")
    }
    let event: TreeEvent
    do throws(TraceFieldError) {
      let fields = Fields(document, document.root)
      let kind = try fields.string("kind")
      guard let decoded = try TreeEvent.decode(kind: kind, fields) else { return true }
      event = decoded
    } catch {
      throw TraceError(
        "\(files[file].path): line \(number) is not a valid event (\(error.reason)).")
    }
    if case .rolloutStarted(let e) = event {
      steps.append(
        Step(
          file: file, start: offset, end: end, line: number,
          summary: StepSummary(rollout: e.rollout)))
    }
    if let last = steps.indices.last, steps[last].file == file {
      steps[last].summary.count(event)
    }
    return true
  }

  /// The events of step `i`, decoded now (a node spawned twice or under a missing parent is left
  /// out with a warning, as replay does).
  public func events(ofStep i: Int) throws -> (events: [TreeEvent], warnings: [String]) {
    let s = steps[i]
    var reader = try TraceReader(
      url: files[s.file], header: header, start: s.start, end: s.end, lineNumber: s.line - 1)
    reader.leaveOutTreeProblems = true
    var events: [TreeEvent] = []
    while let event = try reader.next() { events.append(event) }
    var warnings = reader.warnings
    if let skipped = reader.skippedSummary { warnings.append(skipped) }
    return (events, warnings)
  }
}
