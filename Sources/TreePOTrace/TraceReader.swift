import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Streams a trace file line by line. The header is read on open; `next()` returns events in order.
/// - A truncated last line (no newline, not valid JSON — what a crash mid-write leaves) is skipped
///   and reported in `warnings`.
/// - An event of a kind this version does not know is skipped and counted in `skippedKinds`.
/// - Any other bad line is an error naming the file and line number.
public struct TraceReader {
  public let url: URL
  public let header: TraceHeader
  /// Line number of the last line read (the header is line 1).
  public private(set) var lineNumber = 1
  public private(set) var warnings: [String] = []
  public private(set) var skippedKinds: [String: Int] = [:]

  private let lines: LineSource

  public init(url: URL) throws {
    self.url = url
    lines = try LineSource(path: url.path)
    let path = url.path
    guard let first = try lines.nextLine() else {
      throw TraceError("\(path) is empty, not a treepo trace (no header line).")
    }
    let header: TraceHeader
    do {
      guard case .object(let object) = try JSONScanner.parse(first.bytes) else {
        throw JSONSyntaxError()
      }
      header = try TraceHeader(Fields(object))
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
    while let line = try lines.nextLine() {
      lineNumber += 1
      if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      let object: [String: JSON]
      do {
        guard case .object(let o) = try JSONScanner.parse(line.bytes) else {
          throw JSONSyntaxError()
        }
        object = o
      } catch {
        if !line.terminated {
          warnings.append(
            "\(url.path): line \(lineNumber) is truncated (no newline at the end of the file, "
              + "not valid JSON); skipped it.")
          return nil
        }
        throw TraceError("\(url.path): line \(lineNumber) is not a valid event (not JSON).")
      }
      do {
        let fields = Fields(object)
        let kind = try fields.string("kind")
        guard let event = try TreeEvent.decode(kind: kind, fields) else {
          skippedKinds[kind, default: 0] += 1
          continue
        }
        return event
      } catch let error as TraceFieldError {
        throw TraceError("\(url.path): line \(lineNumber) is not a valid event (\(error.reason)).")
      }
    }
    return nil
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
  /// throws).
  public static func load(_ url: URL) throws -> Trace {
    var reader = try TraceReader(url: url)
    var events: [TreeEvent] = []
    while let event = try reader.next() { events.append(event) }
    var warnings = reader.warnings
    if let skipped = reader.skippedSummary { warnings.append(skipped) }
    return Trace(
      header: reader.header, events: events, warnings: warnings,
      skippedKinds: reader.skippedKinds)
  }
}

/// Reads a file in 1 MiB chunks and hands out lines without their newline.
private final class LineSource {
  struct Line {
    var bytes: ArraySlice<UInt8>
    /// False for a last line that ends at end-of-file without a newline.
    var terminated: Bool
  }

  private let fd: Int32
  private let path: String
  private var buffer: [UInt8] = []
  private var start = 0
  private var atEOF = false

  init(path: String) throws {
    self.path = path
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw TraceError("Cannot open trace file \(path): \(String(cString: strerror(errno))).")
    }
  }

  deinit { close(fd) }

  func nextLine() throws -> Line? {
    while true {
      if let newline = buffer[start...].firstIndex(of: 0x0A) {
        let line = Line(bytes: buffer[start..<newline], terminated: true)
        start = newline + 1
        return line
      }
      if atEOF {
        guard start < buffer.count else { return nil }
        let line = Line(bytes: buffer[start...], terminated: false)
        start = buffer.count
        return line
      }
      try fill()
    }
  }

  private func fill() throws {
    buffer.removeSubrange(0..<start)
    start = 0
    let chunk = 1 << 20
    let old = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: chunk))
    var n = 0
    repeat {
      n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + old, chunk) }
    } while n < 0 && errno == EINTR
    guard n >= 0 else {
      throw TraceError("Cannot read trace file \(path): \(String(cString: strerror(errno))).")
    }
    buffer.removeLast(chunk - n)
    if n == 0 { atEOF = true }
  }
}
