// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON mapping each
// tensor name to {dtype, shape, data_offsets: [begin, end]} (relative to the data that follows)
// plus an optional "__metadata__" map of strings, then the raw little-endian tensor data.
//
// Reading validates everything before any data is touched: header length vs file size, the JSON,
// each entry's dtype and shape against its byte span, and that the tensors tile the data section
// exactly (no gap, no overlap, no byte left over), so a header length off by one byte is refused
// instead of loading every tensor shifted by a byte.

public enum SafetensorsDType: String, Sendable {
  case f32 = "F32"
  case f16 = "F16"
  case bf16 = "BF16"

  public var size: Int { self == .f32 ? 4 : 2 }

  /// Bytes a tensor of `shape` takes, or nil when that overflows Int.
  public func byteCount(_ shape: [Int]) -> Int? {
    var n = size
    for d in shape {
      let (p, overflow) = n.multipliedReportingOverflow(by: d)
      if overflow { return nil }
      n = p
    }
    return n
  }
}

public struct SafetensorsFile: Sendable {
  public struct Tensor: Sendable, Equatable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    /// Byte range relative to the start of the data section.
    public let begin: Int
    public let end: Int
    public var count: Int { shape.reduce(1, *) }
  }

  public let path: String
  /// In header order.
  public let tensors: [Tensor]
  public let metadata: [String: String]
  private let bytes: [UInt8]
  private let dataStart: Int

  public init(path: String) throws(CheckpointError) {
    try self.init(bytes: try FileIO.readAll(path), path: path)
  }

  public init(bytes: [UInt8], path: String) throws(CheckpointError) {
    self.path = path
    self.bytes = bytes
    guard bytes.count >= 8 else { throw .tooShort(path: path, size: bytes.count) }
    var headerLength: UInt64 = 0
    for i in 0..<8 { headerLength |= UInt64(bytes[i]) << (8 * UInt64(i)) }
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw .headerPastEnd(path: path, headerLength: headerLength, fileSize: bytes.count)
    }
    dataStart = 8 + Int(headerLength)
    let header: JSONValue
    do {
      header = try JSONValue.parse(bytes[8..<dataStart])
    } catch {
      throw .badHeaderJSON(path: path, line: error.line, column: error.column, reason: error.reason)
    }
    guard case .object(let members) = header else {
      throw .badHeaderJSON(
        path: path, line: 1, column: 1, reason: "expected an object, found \(header.typeName)")
    }
    var tensors: [Tensor] = []
    var metadata: [String: String] = [:]
    let dataSize = bytes.count - dataStart
    for (name, value) in members {
      if name == "__metadata__" {
        metadata = try Self.metadata(value, path: path)
      } else {
        tensors.append(try Self.entry(name, value, dataSize: dataSize, path: path))
      }
    }
    try Self.checkTiling(tensors, dataSize: dataSize, path: path)
    self.tensors = tensors
    self.metadata = metadata
  }

  /// The tensors, in offset order, must start at 0, each where the previous ends, and the last
  /// must end at the end of the file — what the reference implementation requires too.
  private static func checkTiling(_ tensors: [Tensor], dataSize: Int, path: String)
    throws(CheckpointError)
  {
    var position = 0
    var previous: String?
    for t in tensors.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
      if t.begin < position, let previous {
        throw .overlappingTensors(path: path, tensor: t.name, other: previous)
      }
      if t.begin > position {
        throw .dataGap(
          path: path, tensor: t.name, begin: t.begin, previous: previous, end: position)
      }
      position = t.end
      previous = t.name
    }
    if position != dataSize {
      throw .trailingData(path: path, covered: position, dataSize: dataSize)
    }
  }

  private static func metadata(_ value: JSONValue, path: String) throws(CheckpointError)
    -> [String: String]
  {
    guard case .object(let pairs) = value else {
      throw .badHeaderEntry(
        path: path, tensor: "__metadata__", reason: "should be an object but is \(value.typeName)")
    }
    var out: [String: String] = [:]
    for (key, v) in pairs {
      guard let s = v.stringValue else {
        throw .badHeaderEntry(
          path: path, tensor: "__metadata__",
          reason: "should map strings to strings but \"\(key)\" is \(v.typeName)")
      }
      out[key] = s
    }
    return out
  }

  private static func entry(_ name: String, _ value: JSONValue, dataSize: Int, path: String)
    throws(CheckpointError) -> Tensor
  {
    guard let dtypeName = value["dtype"]?.stringValue else {
      throw .badHeaderEntry(path: path, tensor: name, reason: "has no \"dtype\" string")
    }
    guard case .array(let dims) = value["shape"],
      let shape = Optional(dims.compactMap(\.intValue)), shape.count == dims.count,
      shape.allSatisfy({ $0 >= 0 })
    else {
      throw .badHeaderEntry(
        path: path, tensor: name, reason: "has no \"shape\" array of non-negative integers")
    }
    guard case .array(let offsets) = value["data_offsets"], offsets.count == 2,
      let begin = offsets[0].intValue, let end = offsets[1].intValue, begin >= 0, begin <= end
    else {
      throw .badHeaderEntry(
        path: path, tensor: name,
        reason: "has no \"data_offsets\" pair [begin, end] with begin ≤ end")
    }
    guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
      throw .unknownDType(path: path, tensor: name, dtype: dtypeName)
    }
    guard dtype.byteCount(shape) == end - begin else {
      throw .byteSpanMismatch(
        path: path, tensor: name, shape: shape, dtype: dtypeName, bytes: end - begin)
    }
    guard end <= dataSize else {
      throw .offsetsOutOfRange(
        path: path, tensor: name, begin: begin, end: end, dataSize: dataSize)
    }
    return Tensor(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
  }

  public func tensor(named name: String) -> Tensor? { tensors.first { $0.name == name } }

  /// Converts the tensor's data to Float into `destination` (room for `tensor.count` floats).
  public func read(_ tensor: Tensor, into destination: UnsafeMutablePointer<Float>) {
    bytes.withUnsafeBytes { raw in
      let source = raw.baseAddress! + dataStart + tensor.begin
      switch tensor.dtype {
      case .f32:
        // Little-endian on every platform Swift targets here; the copy also handles misalignment.
        UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: tensor.count * 4)
      case .f16:
        for i in 0..<tensor.count {
          let bits =
            UInt16(source.load(fromByteOffset: 2 * i, as: UInt8.self))
            | UInt16(source.load(fromByteOffset: 2 * i + 1, as: UInt8.self)) << 8
          destination[i] = Float(Float16(bitPattern: bits))
        }
      case .bf16:
        // bfloat16 is the top half of a float32.
        for i in 0..<tensor.count {
          let bits =
            UInt32(source.load(fromByteOffset: 2 * i, as: UInt8.self)) << 16
            | UInt32(source.load(fromByteOffset: 2 * i + 1, as: UInt8.self)) << 24
          destination[i] = Float(bitPattern: bits)
        }
      }
    }
  }

  /// The tensor's values as Float, or nil when the file has no tensor of that name.
  public func floats(named name: String) -> [Float]? {
    guard let tensor = tensor(named: name) else { return nil }
    return [Float](unsafeUninitializedCapacity: tensor.count) { buffer, initialized in
      if let base = buffer.baseAddress { read(tensor, into: base) }
      initialized = tensor.count
    }
  }
}
