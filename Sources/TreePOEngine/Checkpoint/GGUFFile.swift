#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// A GGUF file (llama.cpp's format), memory-mapped read-only:
//   "GGUF", version (u32, 2 or 3), tensor count (u64), metadata count (u64),
//   metadata: key (u64 length + UTF-8), value type (u32), value,
//   tensor infos: name, n_dims (u32), dims (u64 × n_dims, dims[0] varies fastest), type (u32),
//     offset (u64, relative to the data section, a multiple of the alignment),
//   padding to `general.alignment` (default 32), then the data section.
// Everything is validated at open, before any tensor byte is touched: every length and count
// against the bytes that remain (so a damaged count cannot make the reader allocate more than the
// file holds), element counts and byte sizes with overflow checks, offsets aligned, in range and
// not overlapping, names unique. See GGUFFile+Parse.swift.

public final class GGUFFile: @unchecked Sendable {
  public struct TensorInfo: Sendable, Equatable {
    public let name: String
    /// ggml order: dims[0] is the row length (the fastest-varying index).
    public let dims: [Int]
    public let type: GGMLType
    /// Byte offset of the data relative to the data section.
    public let offset: Int
    public let byteCount: Int
    public var elementCount: Int { dims.reduce(1, *) }
    /// Row-major shape as HF and the engine write it ([out, in] for a matrix): dims reversed.
    public var shape: [Int] { dims.reversed() }
    /// Length of one row (dims[0]) and the number of rows (every other dim).
    public var rowLength: Int { dims[0] }
    public var rowCount: Int { dims.dropFirst().reduce(1, *) }
  }

  public let path: String
  public let version: UInt32
  /// Metadata keys in file order, and the values by key.
  public let keys: [String]
  public let metadata: [String: GGUFValue]
  /// Tensor infos in file order.
  public let tensors: [TensorInfo]
  public let alignment: Int
  /// Absolute offset of the data section.
  public let dataOffset: Int
  /// Size of the file in bytes.
  public let size: Int

  private let base: UnsafeRawPointer
  private let mapped: Bool
  private let index: [String: Int]

  /// Maps the file at `path` and validates its header, metadata and tensor table.
  public convenience init(path: String) throws(GGUFError) {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      let reason = String(cString: strerror(errno))
      throw .io(path: path, operation: "open it", reason: reason)
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      throw .io(path: path, operation: "stat it", reason: String(cString: strerror(errno)))
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw .io(path: path, operation: "read it", reason: "not a regular file")
    }
    let size = Int(st.st_size)
    guard size > 0 else {
      try self.init(
        storage: UnsafeRawPointer(UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 8)),
        size: 0, mapped: false, path: path)
      return
    }
    guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
      throw .io(path: path, operation: "map it", reason: String(cString: strerror(errno)))
    }
    try self.init(storage: UnsafeRawPointer(map), size: size, mapped: true, path: path)
  }

  /// Parses `bytes` as a GGUF file (a copy is kept); `path` only names it in messages.
  public convenience init(bytes: [UInt8], path: String) throws(GGUFError) {
    let copy = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
    bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
    try self.init(storage: UnsafeRawPointer(copy), size: bytes.count, mapped: false, path: path)
  }

  /// Takes ownership of `storage` (unmapped or deallocated on deinit, or here when parsing fails).
  private init(storage: UnsafeRawPointer, size: Int, mapped: Bool, path: String)
    throws(GGUFError)
  {
    let parsed: GGUFParser.Result
    do {
      var parser = GGUFParser(base: storage, size: size, path: path)
      parsed = try parser.parse()
    } catch {
      Self.release(storage, size: size, mapped: mapped)
      throw error
    }
    self.path = path
    self.size = size
    self.base = storage
    self.mapped = mapped
    version = parsed.version
    keys = parsed.keys
    metadata = parsed.metadata
    tensors = parsed.tensors
    alignment = parsed.alignment
    dataOffset = parsed.dataOffset
    var index: [String: Int] = [:]
    for (i, t) in tensors.enumerated() { index[t.name] = i }
    self.index = index
  }

  deinit { Self.release(base, size: size, mapped: mapped) }

  private static func release(_ base: UnsafeRawPointer, size: Int, mapped: Bool) {
    if mapped {
      munmap(UnsafeMutableRawPointer(mutating: base), size)
    } else {
      UnsafeMutableRawPointer(mutating: base).deallocate()
    }
  }

  public subscript(key: String) -> GGUFValue? { metadata[key] }

  public func tensor(named name: String) -> TensorInfo? { index[name].map { tensors[$0] } }

  /// The tensor's bytes (`info.byteCount` of them), valid while this file lives.
  public func data(of info: TensorInfo) -> UnsafeRawPointer { base + dataOffset + info.offset }
}
