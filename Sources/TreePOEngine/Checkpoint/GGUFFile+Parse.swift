// The GGUF header, metadata and tensor table, read through a cursor that checks every read
// against the end of the file first. Counts are checked against the bytes that remain (each
// element needs at least `minimumBytes`) before anything is reserved for them, and every size
// computation uses overflow-reporting arithmetic.

struct GGUFParser {
  struct Result {
    var version: UInt32
    var keys: [String]
    var metadata: [String: GGUFValue]
    var tensors: [GGUFFile.TensorInfo]
    var alignment: Int
    var dataOffset: Int
  }

  static let defaultAlignment = 32
  /// Deepest nesting of arrays accepted (real files use 1).
  static let maxArrayDepth = 4

  let base: UnsafeRawPointer
  let size: Int
  let path: String
  var offset = 0

  init(base: UnsafeRawPointer, size: Int, path: String) {
    self.base = base
    self.size = size
    self.path = path
  }

  var remaining: Int { size - offset }

  /// Throws unless `count` bytes can be read at the cursor.
  func need(_ count: UInt64, _ what: @autoclosure () -> String) throws(GGUFError) {
    guard count <= UInt64(remaining) else {
      throw .truncated(path: path, what: what(), offset: offset, needed: count, fileSize: size)
    }
  }

  mutating func load<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String)
    throws(GGUFError) -> T
  {
    try need(UInt64(MemoryLayout<T>.size), what())
    let v = T(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: T.self))
    offset += MemoryLayout<T>.size
    return v
  }

  mutating func string(_ what: @autoclosure () -> String) throws(GGUFError) -> String {
    let length = try load(UInt64.self, what())
    try need(length, what())
    let bytes = UnsafeRawBufferPointer(start: base + offset, count: Int(length))
    offset += Int(length)
    return String(decoding: bytes, as: UTF8.self)
  }

  mutating func parse() throws(GGUFError) -> Result {
    try need(4, "the magic \"GGUF\"")
    let magic = (0..<4).map { base.load(fromByteOffset: $0, as: UInt8.self) }
    guard magic == Array("GGUF".utf8) else { throw .badMagic(path: path, found: magic) }
    offset = 4
    let version = try load(UInt32.self, "the version")
    guard version == 2 || version == 3 else {
      throw .unsupportedVersion(path: path, version: version)
    }
    let tensorCount = try load(UInt64.self, "the tensor count")
    let keyCount = try load(UInt64.self, "the metadata count")
    // A metadata entry is at least a key length, a type and one byte; a tensor info at least a
    // name length, n_dims, one dim, a type and an offset.
    try checkCount(keyCount, minimumBytes: 8 + 4 + 1, "the \(keyCount) metadata entries")
    var keys: [String] = []
    var metadata: [String: GGUFValue] = [:]
    keys.reserveCapacity(Int(keyCount))
    for i in 0..<Int(keyCount) {
      let key = try string("the key of metadata entry \(i)")
      let typeID = try load(UInt32.self, "the value type of \"\(key)\"")
      let value = try value(typeID, key: key, depth: 0)
      guard metadata.updateValue(value, forKey: key) == nil else {
        throw .duplicateKey(path: path, key: key)
      }
      keys.append(key)
    }
    let alignment = try Self.alignment(metadata["general.alignment"], path: path)
    try checkCount(tensorCount, minimumBytes: 8 + 4 + 8 + 4 + 8, "the \(tensorCount) tensor infos")
    var tensors: [GGUFFile.TensorInfo] = []
    tensors.reserveCapacity(Int(tensorCount))
    var seen = Set<String>()
    for i in 0..<Int(tensorCount) {
      let info = try tensorInfo(i, alignment: alignment)
      guard seen.insert(info.name).inserted else {
        throw .duplicateTensor(path: path, tensor: info.name)
      }
      tensors.append(info)
    }
    let (padded, overflow) = offset.addingReportingOverflow(alignment - 1)
    let dataOffset = overflow ? Int.max : padded / alignment * alignment
    try checkData(tensors, dataOffset: dataOffset)
    return Result(
      version: version, keys: keys, metadata: metadata, tensors: tensors, alignment: alignment,
      dataOffset: dataOffset)
  }

  func checkCount(_ count: UInt64, minimumBytes: Int, _ what: @autoclosure () -> String)
    throws(GGUFError)
  {
    guard count <= UInt64(remaining / minimumBytes) else {
      throw .truncated(
        path: path, what: what(), offset: offset,
        needed: count.multipliedReportingOverflow(by: UInt64(minimumBytes)).partialValue,
        fileSize: size)
    }
  }

  static func alignment(_ value: GGUFValue?, path: String) throws(GGUFError) -> Int {
    guard let value else { return defaultAlignment }
    guard case .uint32(let a) = value else {
      throw .wrongType(
        path: path, key: "general.alignment", expected: "UINT32", found: value.typeName)
    }
    guard a > 0 && a & (a - 1) == 0 else {
      throw .badValue(
        path: path, key: "general.alignment", reason: "is \(a), not a power of two")
    }
    return Int(a)
  }

  /// Smallest encoding of one value of type `typeID` (nil for an unknown type).
  static func minimumBytes(_ typeID: UInt32) -> Int? {
    switch typeID {
    case 0, 1, 7: 1
    case 2, 3: 2
    case 4, 5, 6: 4
    case 8, 10, 11, 12: 8
    case 9: 12
    default: nil
    }
  }

  mutating func value(_ typeID: UInt32, key: String, depth: Int) throws(GGUFError) -> GGUFValue {
    let what = "the value of \"\(key)\""
    switch typeID {
    case 0: return .uint8(try load(UInt8.self, what))
    case 1: return .int8(try load(Int8.self, what))
    case 2: return .uint16(try load(UInt16.self, what))
    case 3: return .int16(try load(Int16.self, what))
    case 4: return .uint32(try load(UInt32.self, what))
    case 5: return .int32(try load(Int32.self, what))
    case 6: return .float32(Float(bitPattern: try load(UInt32.self, what)))
    case 7:
      let b = try load(UInt8.self, what)
      guard b <= 1 else { throw .badMetadata(path: path, key: key, reason: "is a BOOL of \(b)") }
      return .bool(b == 1)
    case 8: return .string(try string(what))
    case 9: return try array(key: key, depth: depth)
    case 10: return .uint64(try load(UInt64.self, what))
    case 11: return .int64(try load(Int64.self, what))
    case 12: return .float64(Double(bitPattern: try load(UInt64.self, what)))
    default:
      throw .badMetadata(path: path, key: key, reason: "has the unknown value type id \(typeID)")
    }
  }

  mutating func array(key: String, depth: Int) throws(GGUFError) -> GGUFValue {
    guard depth < Self.maxArrayDepth else {
      throw .badMetadata(
        path: path, key: key, reason: "nests arrays deeper than \(Self.maxArrayDepth) levels")
    }
    let elementType = try load(UInt32.self, "the element type of \"\(key)\"")
    guard let minimum = Self.minimumBytes(elementType) else {
      throw .badMetadata(
        path: path, key: key, reason: "is an array of the unknown value type id \(elementType)")
    }
    let count = try load(UInt64.self, "the length of \"\(key)\"")
    try checkCount(count, minimumBytes: minimum, "the \(count) elements of \"\(key)\"")
    var items: [GGUFValue] = []
    items.reserveCapacity(Int(count))
    for _ in 0..<Int(count) { items.append(try value(elementType, key: key, depth: depth + 1)) }
    return .array(items)
  }
}
