import Foundation

/// Streams a trace file line by line. The header is read on open; `next()` returns events in order.
/// - A truncated last line (no newline, not valid JSON — what a crash mid-write leaves) is skipped
///   and reported in `warnings`.
/// - An event of a kind this version does not know is skipped and counted in `skippedKinds`.
/// - Any other bad line — not JSON, a missing or mistyped field, a line over `maxLineBytes`, a node
///   spawned twice or under a parent not spawned before it — is one sentence naming the file and
///   line: thrown, or, when `strict` is false, kept in `problems` while reading goes on.
public struct TraceReader {
  public let url: URL
  public let header: TraceHeader
  /// Line number of the last line read (the header is line 1).
  public private(set) var lineNumber = 1
  /// Byte offset in the file of the last line read.
  public private(set) var lineOffset = 0
  public private(set) var warnings: [String] = []
  public private(set) var skippedKinds: [String: Int] = [:]
  /// The bad lines, when not strict (the first `maxProblems`; `problemCount` counts them all).
  public private(set) var problems: [String] = []
  public private(set) var problemCount = 0
  public let strict: Bool
  /// A node spawned twice or under a parent not spawned before it is left out of the events with
  /// a warning, even when strict.
  public var leaveOutTreeProblems = false

  /// Longer lines are refused without being held in memory.
  public static let defaultMaxLineBytes = 32 << 20
  static let maxProblems = 100

  private let lines: TraceLineSource
  private var document = JSONDocument()
  private var structure = TraceStructure()
  /// Reading stops at the line that starts here (one step of a run; see `RunIndex`).
  private var endOffset = Int.max

  /// Reads the lines in `start..<end` of a trace whose header was read before (one step of a
  /// run); line numbers count on from `lineNumber`, the line before `start`.
  init(
    url: URL, header: TraceHeader, start: Int, end: Int, lineNumber: Int,
    maxLineBytes: Int = TraceReader.defaultMaxLineBytes
  ) throws {
    self.url = url
    self.header = header
    self.strict = true
    self.lineNumber = lineNumber
    self.endOffset = end
    lines = try TraceLineSource(path: url.path, maxLineBytes: maxLineBytes, offset: start)
  }

  public init(url: URL, strict: Bool = true, maxLineBytes: Int = TraceReader.defaultMaxLineBytes)
    throws
  {
    self.url = url
    self.strict = strict
    lines = try TraceLineSource(path: url.path, maxLineBytes: maxLineBytes)
    let path = url.path
    guard let first = try lines.nextLine() else {
      throw TraceError("\(path) is empty, not a treepo trace (no header line).")
    }
    let header: TraceHeader
    do {
      guard !first.tooLong else { throw TraceFieldError(reason: "too long") }
      try document.parse(first.bytes)
      guard document.kind(document.root) == .object else {
        throw TraceFieldError(reason: "not an object")
      }
      header = try TraceHeader(Fields(document, document.root))
    } catch {
      throw TraceError(
        "\(path) is not a treepo trace: line 1 is not a \"\(TraceHeader.formatName)\" header.")
    }
    guard header.format == TraceHeader.formatName else {
      throw TraceError(
        "\(path) is not a treepo trace: its format is \"\(header.format)\", "
          + "not \"\(TraceHeader.formatName)\".")
    }
    guard header.version <= TraceHeader.currentVersion else {
      throw TraceError(
        "\(path) is trace format version \(header.version); this treepo reads up to version "
          + "\(TraceHeader.currentVersion).")
    }
    self.header = header
  }

  /// The next event, or nil at the end of the file.
  public mutating func next() throws -> TreeEvent? {
    while let line = try lines.nextLine(), line.offset < endOffset {
      lineNumber += 1
      lineOffset = line.offset
      if let event = try event(of: line) { return event }
    }
    return nil
  }

  /// The line's event; nil for a line to pass over (blank, unknown kind, or a problem noted).
  private mutating func event(of line: TraceLineSource.Line) throws -> TreeEvent? {
    if line.tooLong {
      try problem(
        "line \(lineNumber) is longer than \(lines.maxLineBytes >> 20) MiB, the most a trace "
          + "line may be")
      return nil
    }
    if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
    do throws(JSONParseError) {
      try document.parse(line.bytes)
      guard document.kind(document.root) == .object else {
        throw JSONParseError(line: 1, column: 1, reason: "not an object")
      }
    } catch {
      if !line.terminated {
        warnings.append(
          "\(url.path): line \(lineNumber) is truncated (no newline at the end of the file, "
            + "not valid JSON); skipped it.")
        return nil
      }
      try problem(
        "line \(lineNumber) is not a valid event (not JSON: \(error.reason) at column "
          + "\(error.column))")
      return nil
    }
    let event: TreeEvent
    do throws(TraceFieldError) {
      let fields = Fields(document, document.root)
      let kind = try fields.string("kind")
      guard let decoded = try TreeEvent.decode(kind: kind, fields) else {
        skippedKinds[kind, default: 0] += 1
        return nil
      }
      event = decoded
    } catch {
      try problem("line \(lineNumber) is not a valid event (\(error.reason))")
      return nil
    }
    switch event {
    case .rolloutStarted: structure.startRollout()
    case .nodeSpawned(let e):
      if let wrong = structure.check(e, line: lineNumber) {
        if leaveOutTreeProblems {
          warnings.append("\(url.path): line \(lineNumber) \(wrong); left it out.")
        } else {
          try problem("line \(lineNumber) \(wrong)")
        }
        return nil
      }
    default: break
    }
    return event
  }

  /// Throws the problem as one sentence, or notes it and goes on when not strict.
  private mutating func problem(_ words: String) throws {
    let sentence = "\(url.path): \(words)."
    if strict { throw TraceError(sentence) }
    problemCount += 1
    if problems.count < Self.maxProblems { problems.append(sentence) }
  }

  /// The skipped unknown kinds as one sentence (nil when none were skipped).
  public var skippedSummary: String? {
    guard !skippedKinds.isEmpty else { return nil }
    let total = skippedKinds.values.reduce(0, +)
    let kinds = skippedKinds.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
    return "\(url.path): skipped \(total) event(s) of unknown kind \(kinds)."
  }
}

/// A whole trace in memory.
public struct Trace: Sendable {
  public var header: TraceHeader
  public var events: [TreeEvent]
  public var warnings: [String]
  public var skippedKinds: [String: Int]

  public init(
    header: TraceHeader, events: [TreeEvent], warnings: [String] = [],
    skippedKinds: [String: Int] = [:]
  ) {
    self.header = header
    self.events = events
    self.warnings = warnings
    self.skippedKinds = skippedKinds
  }

  /// Reads every event of the file at `url` (see `TraceReader` for what is skipped and what
  /// throws). `leavingOutTreeProblems`: a node spawned twice or under a missing parent is left
  /// out with a warning instead of refusing the file (replay opens a damaged tree).
  public static func load(_ url: URL, leavingOutTreeProblems: Bool = false) throws -> Trace {
    var reader = try TraceReader(url: url)
    reader.leaveOutTreeProblems = leavingOutTreeProblems
    var events: [TreeEvent] = []
    while let event = try reader.next() { events.append(event) }
    var warnings = reader.warnings
    if let skipped = reader.skippedSummary { warnings.append(skipped) }
    return Trace(
      header: reader.header, events: events, warnings: warnings,
      skippedKinds: reader.skippedKinds)
  }
}
