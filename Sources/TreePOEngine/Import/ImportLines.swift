import CZlib
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Line-by-line reading of JSONL files (`treepo import trace`; the dump importers read a step file
// whole into a StepBuffer, through the same byte sources): plain or gzip'd (by the `.gz` suffix,
// any number of concatenated gzip members, as the verl hook appends one per step), in 1 MiB
// chunks so a 1 GB file never has to fit in memory.

/// One line without its newline; `terminated` is false for a last line that ends at end-of-file.
public struct ImportLine {
  public var bytes: ArraySlice<UInt8>
  public var number: Int
  public var terminated: Bool
}

/// Reads the file at `path` line by line (`.gz` files are inflated on the way).
public final class ImportLineReader {
  public let path: String
  private let source: any ByteSource
  fileprivate var buffer: [UInt8] = []
  fileprivate var start = 0
  private var atEOF = false
  private var lineNumber = 0

  public init(path: String) throws {
    self.path = path
    let file = try FileSource(path: path)
    source = path.hasSuffix(".gz") ? try GzipSource(file) : file
  }

  /// Set at the end when a `.gz` file stopped inside a gzip member: its last step is incomplete.
  public var cutShort: Bool { (source as? GzipSource)?.cutShort ?? false }

  public func next() throws -> ImportLine? {
    while true {
      if let newline = nextNewline() {
        lineNumber += 1
        let line = ImportLine(bytes: buffer[start..<newline], number: lineNumber, terminated: true)
        start = newline + 1
        return line
      }
      if atEOF {
        guard start < buffer.count else { return nil }
        lineNumber += 1
        let line = ImportLine(bytes: buffer[start...], number: lineNumber, terminated: false)
        start = buffer.count
        return line
      }
      buffer.removeSubrange(0..<start)
      start = 0
      if try !source.read(into: &buffer) { atEOF = true }
    }
  }
}

extension ImportLineReader {
  /// memchr: the line scan is the one pass over every byte the importer cannot avoid.
  fileprivate func nextNewline() -> Int? {
    buffer.withUnsafeBufferPointer { p in
      guard start < p.count, let base = p.baseAddress,
        let hit = memchr(base + start, 0x0A, p.count - start)
      else { return nil }
      return base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
    }
  }
}

protocol ByteSource: AnyObject {
  /// Appends what is next to `buffer`; false at the end.
  func read(into buffer: inout [UInt8]) throws -> Bool
}

final class FileSource: ByteSource {
  private let fd: Int32
  let path: String

  init(path: String) throws {
    self.path = path
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      throw TraceError("Cannot open \(path): \(String(cString: strerror(errno))).")
    }
  }

  deinit { close(fd) }

  func read(into buffer: inout [UInt8]) throws -> Bool {
    let chunk = 1 << 20
    let old = buffer.count
    buffer.append(contentsOf: repeatElement(0, count: chunk))
    var n = 0
    repeat {
      n = buffer.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + old, chunk) }
    } while n < 0 && errno == EINTR
    buffer.removeLast(chunk - max(n, 0))
    guard n >= 0 else {
      throw TraceError("Cannot read \(path): \(String(cString: strerror(errno))).")
    }
    return n > 0
  }
}

/// Inflates gzip members one after another (zlib's automatic gzip header detection).
final class GzipSource: ByteSource {
  private let file: FileSource
  private var stream = z_stream()
  private var input: [UInt8] = []
  private var inputStart = 0
  private var fileDone = false
  private var finished = false
  /// True when the file ended inside a gzip member (a writer killed mid-step).
  private(set) var cutShort = false
  private var midMember = false

  init(_ file: FileSource) throws {
    self.file = file
    guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK
    else { throw TraceError("Cannot read \(file.path): zlib would not start.") }
  }

  deinit { inflateEnd(&stream) }

  func read(into buffer: inout [UInt8]) throws -> Bool {
    let chunk = 1 << 20
    while !finished {
      if inputStart == input.count && !fileDone {
        input.removeAll(keepingCapacity: true)
        inputStart = 0
        if try !file.read(into: &input) { fileDone = true }
      }
      let available = input.count - inputStart
      if available == 0 && fileDone {
        finished = true
        cutShort = midMember
        break
      }
      let old = buffer.count
      buffer.append(contentsOf: repeatElement(0, count: chunk))
      var status: Int32 = Z_OK
      var consumed = 0
      var produced = 0
      input.withUnsafeMutableBufferPointer { inp in
        buffer.withUnsafeMutableBufferPointer { out in
          stream.next_in = inp.baseAddress! + inputStart
          stream.avail_in = UInt32(available)
          stream.next_out = out.baseAddress! + old
          stream.avail_out = UInt32(chunk)
          status = inflate(&stream, Z_NO_FLUSH)
          consumed = available - Int(stream.avail_in)
          produced = chunk - Int(stream.avail_out)
        }
      }
      buffer.removeLast(chunk - produced)
      inputStart += consumed
      switch status {
      case Z_STREAM_END:
        // Another member may follow (the hook appends one per step).
        inflateReset(&stream)
        midMember = false
      case Z_OK, Z_BUF_ERROR:
        midMember = midMember || consumed > 0 || produced > 0
      default:
        throw TraceError("\(file.path) is not valid gzip data (zlib status \(status)).")
      }
      if produced > 0 { return true }
    }
    return false
  }
}

// The classes' own `read(into:)` hides the C function inside them.
private func posixRead(_ fd: Int32, _ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
  read(fd, buf, count)
}
