import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The bytes of the import: whole JSONL files read into one allocation, followed by the strings
// that had escapes, unescaped. Samples, tree nodes and the event encoder refer to text by `Span`
// (offsets into this buffer), so no String is made per sample or per node. A worker reuses one
// buffer from step file to step file.

/// A run of bytes in a `StepBuffer` (or of integers in its `ints`).
struct Span: Equatable, Sendable {
  var start: Int
  var count: Int
  static let empty = Span(start: 0, count: 0)
  var end: Int { start + count }
}

final class StepBuffer {
  /// Valid bytes are `base[0..<count]`; `capacity` is what is allocated.
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private(set) var capacity: Int
  /// Token ids, token counts and tree_idx paths (root, then round, position per segment).
  var ints: [Int] = []

  init(capacity: Int = 1 << 20) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// Empties the buffer, keeping its memory.
  func reset() {
    count = 0
    ints.removeAll(keepingCapacity: true)
  }

  /// Makes room for `extra` more bytes. Moves the memory: no pointer into it survives a call.
  func reserve(_ extra: Int) {
    guard count + extra > capacity else { return }
    let grown = max(capacity * 2, count + extra)
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    moved.update(from: base, count: count)
    base.deallocate()
    base = moved
    capacity = grown
  }

  /// Appends `n` bytes that `fill` writes (it gets room for `room` ≥ n bytes and returns n).
  /// The room must have been reserved: this never moves the memory, so pointers into the buffer
  /// that the caller holds (the line being parsed) stay valid.
  @inline(__always)
  func append(room: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Int) -> Span {
    precondition(count + room <= capacity, "StepBuffer: room was not reserved")
    let n = fill(base + count)
    count += n
    return Span(start: count - n, count: n)
  }

  func bytes(_ s: Span) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: base + s.start, count: s.count)
  }

  func string(_ s: Span) -> String { String(decoding: bytes(s), as: UTF8.self) }

  /// Appends a String's UTF-8 (samples given as Strings). Moves the memory.
  func append(_ text: String) -> Span {
    var text = text
    return text.withUTF8 { utf8 in
      reserve(utf8.count)
      return append(room: utf8.count) { o in
        o.update(from: utf8.baseAddress ?? UnsafePointer(o), count: utf8.count)
        return utf8.count
      }
    }
  }

  /// Appends the file at `path` (inflated when it ends in `.gz`) and returns where it lies, then
  /// reserves as much again: the unescaped strings of its lines are never longer than the lines.
  /// `cutShort`: a gzip file that ended inside a member.
  func appendFile(path: String) throws -> (span: Span, cutShort: Bool) {
    let start = count
    var cutShort = false
    if path.hasSuffix(".gz") {
      let gzip = try GzipSource(try FileSource(path: path))
      var chunk: [UInt8] = []
      while try gzip.read(into: &chunk) {
        reserve(chunk.count)
        chunk.withUnsafeBufferPointer { c in
          _ = append(room: c.count) { o in
            o.update(from: c.baseAddress!, count: c.count)
            return c.count
          }
        }
        chunk.removeAll(keepingCapacity: true)
      }
      cutShort = gzip.cutShort
    } else {
      try readPlain(path: path)
    }
    let span = Span(start: start, count: count - start)
    reserve(span.count + 64)
    return (span, cutShort)
  }

  /// The whole file with read(2), straight into the buffer (its size from fstat; a file that
  /// grows meanwhile is read to its end).
  private func readPlain(path: String) throws {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw TraceError("Cannot open \(path): \(String(cString: strerror(errno))).")
    }
    defer { close(fd) }
    var info = stat()
    let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    reserve(size + 1)
    while true {
      if count == capacity { reserve(1 << 20) }
      let n = read(fd, base + count, capacity - count)
      if n < 0 && errno == EINTR { continue }
      guard n >= 0 else {
        throw TraceError("Cannot read \(path): \(String(cString: strerror(errno))).")
      }
      if n == 0 { return }
      count += n
    }
  }
}

/// Buffers handed on from step to step (step buffers among the workers, encoded lines back from
/// the writing thread): memory that is touched once, not faulted in afresh for every step file.
final class ReusePool<T: AnyObject>: @unchecked Sendable {
  private let lock = NSLock()
  private var free: [T] = []
  private let make: () -> T
  private let clear: (T) -> Void

  init(make: @escaping () -> T, clear: @escaping (T) -> Void) {
    self.make = make
    self.clear = clear
  }

  func take() -> T {
    lock.lock()
    let item = free.popLast()
    lock.unlock()
    return item ?? make()
  }

  func put(_ item: T) {
    clear(item)
    lock.lock()
    free.append(item)
    lock.unlock()
  }
}
