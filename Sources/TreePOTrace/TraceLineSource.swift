import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file in 1 MiB chunks and hands out lines without their newline. A line longer than
/// `maxLineBytes` is not kept: it comes back marked `tooLong` as soon as it outgrows the limit, and
/// its rest is dropped as it is read, so memory stays bounded whatever the file holds.
final class TraceLineSource {
  struct Line {
    var bytes: ArraySlice<UInt8>
    /// False for a last line that ends at end-of-file without a newline.
    var terminated: Bool
    var tooLong = false
    /// Byte offset of the line's first byte in the file.
    var offset: Int
  }

  let path: String
  let maxLineBytes: Int
  private let fd: Int32
  private var buffer: [UInt8] = []
  private var chunk: [UInt8]
  private var start = 0
  /// Where the newline search resumes (bytes before it in the current line have none).
  private var searched = 0
  /// File offset of `buffer[0]`.
  private var bufferOffset = 0
  private var atEOF = false
  /// The current line outgrew `maxLineBytes`: skip to its end before the next line.
  private var discarding = false

  init(path: String, maxLineBytes: Int, offset: Int = 0) throws {
    self.path = path
    self.maxLineBytes = maxLineBytes
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw TraceError("Cannot open trace file \(path): \(String(cString: strerror(errno))).")
    }
    // 1 MiB reads, or less for a small file (many small files are read in a row by `inspect`).
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 1 << 20
    chunk = [UInt8](repeating: 0, count: min(1 << 20, max(1 << 12, size + 1)))
    if offset > 0 {
      guard lseek(fd, off_t(offset), SEEK_SET) >= 0 else {
        throw TraceError("Cannot seek in trace file \(path): \(String(cString: strerror(errno))).")
      }
      bufferOffset = offset
    }
  }

  deinit { close(fd) }

  func nextLine() throws -> Line? {
    if discarding { try discardRestOfLine() }
    let lineOffset = bufferOffset + start  // `fill()` keeps this sum as it slides the buffer
    while true {
      if let newline = findNewline() {
        let line = Line(bytes: buffer[start..<newline], terminated: true, offset: lineOffset)
        start = newline + 1
        searched = start
        return line
      }
      if buffer.count - start > maxLineBytes {
        // Reported now; the rest is dropped on the next call (if there is one).
        discarding = true
        start = buffer.count
        searched = start
        return Line(bytes: [], terminated: true, tooLong: true, offset: lineOffset)
      }
      if atEOF {
        guard start < buffer.count else { return nil }
        let line = Line(bytes: buffer[start...], terminated: false, offset: lineOffset)
        start = buffer.count
        searched = start
        return line
      }
      try fill()
    }
  }

  /// Drops bytes up to and including the next newline, a chunk at a time.
  private func discardRestOfLine() throws {
    discarding = false
    while true {
      if let newline = findNewline() {
        start = newline + 1
        searched = start
        return
      }
      start = buffer.count
      searched = start
      if atEOF { return }
      try fill()
    }
  }

  private func findNewline() -> Int? {
    guard searched < buffer.count else { return nil }
    let found = buffer.withUnsafeBufferPointer { b -> Int? in
      guard let p = memchr(b.baseAddress! + searched, 0x0A, b.count - searched) else { return nil }
      return b.baseAddress!.distance(to: p.assumingMemoryBound(to: UInt8.self))
    }
    if found == nil { searched = buffer.count }
    return found
  }

  private func fill() throws {
    buffer.removeSubrange(0..<start)
    bufferOffset += start
    searched -= start
    start = 0
    var n = 0
    repeat {
      n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
    } while n < 0 && errno == EINTR
    guard n >= 0 else {
      throw TraceError("Cannot read trace file \(path): \(String(cString: strerror(errno))).")
    }
    buffer.append(contentsOf: chunk[..<n])
    if n == 0 { atEOF = true }
  }
}
