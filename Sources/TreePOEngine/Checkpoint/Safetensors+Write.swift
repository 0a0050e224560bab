// Writing safetensors: F32 only (the engine's working precision), header padded with spaces to a
// multiple of 8 bytes so the data section stays aligned, as the reference implementation does.

public struct SafetensorsTensor {
  public let name: String
  public let shape: [Int]
  public let data: UnsafePointer<Float>

  public init(name: String, shape: [Int], data: UnsafePointer<Float>) {
    self.name = name
    self.shape = shape
    self.data = data
  }
}

extension SafetensorsFile {
  /// The bytes of a safetensors file holding `tensors` (in order) and `metadata` (sorted by key).
  public static func encode(_ tensors: [SafetensorsTensor], metadata: [String: String] = [:])
    -> [UInt8]
  {
    var members: [(String, JSONValue)] = []
    if !metadata.isEmpty {
      let pairs = metadata.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) }
      members.append(("__metadata__", .object(pairs)))
    }
    var cursor = 0
    for t in tensors {
      let bytes = t.shape.reduce(1, *) * 4
      members.append(
        (
          t.name,
          .object([
            ("dtype", .string("F32")), ("shape", .array(t.shape.map { .int($0) })),
            ("data_offsets", .array([.int(cursor), .int(cursor + bytes)])),
          ])
        ))
      cursor += bytes
    }
    var header = Array(JSONValue.object(members).serialized(indent: nil).utf8)
    while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
    var out: [UInt8] = []
    out.reserveCapacity(8 + header.count + cursor)
    for i in 0..<8 {
      out.append(UInt8(truncatingIfNeeded: UInt64(header.count) >> (8 * UInt64(i))))
    }
    out += header
    for t in tensors {
      let count = t.shape.reduce(1, *)
      UnsafeRawBufferPointer(start: t.data, count: count * 4).withMemoryRebound(to: UInt8.self) {
        out.append(contentsOf: $0)
      }
    }
    return out
  }
}
