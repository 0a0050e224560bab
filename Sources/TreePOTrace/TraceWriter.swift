import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Appends a trace as JSONL: the header line, then one event a line. Each call is one `write(2)`
/// of whole lines, so a crash leaves every earlier line readable (at worst a truncated last line,
/// which the reader skips with a warning). Safe to call from any thread.
public final class TraceWriter: @unchecked Sendable {
  public let url: URL
  private let lock = NSLock()
  private var fd: Int32
  private var scratch: [UInt8] = []
  public private(set) var eventsWritten = 0

  /// Creates (or truncates) `url` and writes the header line.
  public init(url: URL, header: TraceHeader) throws {
    self.url = url
    fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw TraceError(
        "Cannot create trace file \(url.path): \(String(cString: strerror(errno))).")
    }
    try writeAll(header.jsonLine())
  }

  deinit { if fd >= 0 { _ = posixClose(fd) } }

  public func write(_ event: TreeEvent) throws {
    try write([event])
  }

  /// Writes the events as whole lines in one system call.
  public func write(_ events: [TreeEvent]) throws {
    lock.lock()
    defer { lock.unlock() }
    // Encoded into the buffer of the last call: a fresh one per call costs more in page faults
    // and regrowth than the encoding itself on a large import.
    var w = JSONWriter(capacity: 0)
    swap(&w.bytes, &scratch)
    w.bytes.removeAll(keepingCapacity: true)
    for event in events { event.write(line: &w) }
    defer { swap(&w.bytes, &scratch) }
    try writeAll(w.bytes)
    eventsWritten += events.count
  }

  /// Writes lines already encoded (whole lines, each ending in a newline) in one system call: the
  /// importer encodes its events itself, on its worker threads.
  public func write(encodedLines bytes: UnsafeRawBufferPointer, events: Int = 0) throws {
    lock.lock()
    defer { lock.unlock() }
    try writeAll(bytes)
    eventsWritten += events
  }

  public func close() {
    lock.lock()
    defer { lock.unlock() }
    if fd >= 0 { _ = posixClose(fd) }
    fd = -1
  }

  private func writeAll(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try writeAll($0) }
  }

  private func writeAll(_ raw: UnsafeRawBufferPointer) throws {
    guard fd >= 0 else { throw TraceError("Trace file \(url.path) is already closed.") }
    var offset = 0
    while offset < raw.count {
      let n = posixWrite(fd, raw.baseAddress! + offset, raw.count - offset)
      if n < 0 {
        if errno == EINTR { continue }
        throw TraceError(
          "Cannot write trace file \(url.path): \(String(cString: strerror(errno))).")
      }
      offset += n
    }
  }
}

// The class's own `close()`/`write(_:)` hide the C functions inside it.
private func posixClose(_ fd: Int32) -> Int32 { close(fd) }
private func posixWrite(_ fd: Int32, _ buf: UnsafeRawPointer, _ count: Int) -> Int {
  write(fd, buf, count)
}
