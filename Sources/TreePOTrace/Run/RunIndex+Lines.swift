import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The index's line reader: one 4 MiB buffer, refilled in place (the unfinished line's bytes move
/// to its front), lines handed out as pointers into it — no copy, no allocation per line or chunk.
struct RunLines {
  /// A line without its newline; `offset` is its first byte's position in the file.
  typealias Body = (UnsafeBufferPointer<UInt8>, _ offset: Int, _ terminated: Bool) throws -> Bool

  /// Calls `body` for each line from `offset` to `end` (the end of the file by default), until it
  /// returns false; returns the bytes read. Reads stop at `end`, so a short range costs its own
  /// bytes, not a whole buffer. A line longer than `maxLineBytes` throws `TooLong` with its offset.
  @discardableResult
  static func scan(
    path: String, from offset: Int, to end: Int = Int.max, maxLineBytes: Int, _ body: Body
  ) throws -> Int {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw TraceError("Cannot open trace file \(path): \(String(cString: strerror(errno))).")
    }
    defer { close(fd) }
    guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
      throw TraceError("Cannot seek in trace file \(path): \(String(cString: strerror(errno))).")
    }
    var capacity = 4 << 20
    var buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    defer { buffer.deallocate() }
    var filled = 0
    var bufferOffset = offset
    var total = 0
    while true {
      var n = 0
      let want = min(capacity - filled, max(0, end - (bufferOffset + filled)))
      if want > 0 {
        repeat { n = read(fd, buffer + filled, want) } while n < 0 && errno == EINTR
      }
      total += max(0, n)
      guard n >= 0 else {
        throw TraceError("Cannot read trace file \(path): \(String(cString: strerror(errno))).")
      }
      filled += n
      var start = 0
      while start < filled, let newline = memchr(buffer + start, 0x0A, filled - start) {
        let end = buffer.distance(to: newline)
        let line = UnsafeBufferPointer(
          start: (buffer + start).assumingMemoryBound(to: UInt8.self), count: end - start)
        guard try body(line, bufferOffset + start, true) else { return total }
        start = end + 1
      }
      if n == 0 {
        if start < filled {
          let line = UnsafeBufferPointer(
            start: (buffer + start).assumingMemoryBound(to: UInt8.self), count: filled - start)
          _ = try body(line, bufferOffset + start, false)
        }
        return total
      }
      let rest = filled - start
      if rest > maxLineBytes { throw TooLong(offset: bufferOffset + start) }
      memmove(buffer, buffer + start, rest)
      filled = rest
      bufferOffset += start
      if filled == capacity {
        // One line fills the buffer: make room for more of it.
        let bigger = UnsafeMutableRawPointer.allocate(byteCount: capacity * 2, alignment: 64)
        bigger.copyMemory(from: buffer, byteCount: filled)
        buffer.deallocate()
        buffer = bigger
        capacity *= 2
      }
    }
  }

  struct TooLong: Error {
    var offset: Int
  }
}
