// GGUF's metadata values and ggml's tensor types.
//
// A metadata value is one of 13 types (ids fixed by the format); arrays hold one element type and
// may nest. Tensor types are ggml's: each stores `blockSize` elements in `blockBytes` bytes. The
// table lists every type ggml defines so that a file of any of them parses (its metadata can be
// shown); only `GGMLType.supported` can be dequantized.

public enum GGUFValue: Sendable, Equatable {
  case uint8(UInt8)
  case int8(Int8)
  case uint16(UInt16)
  case int16(Int16)
  case uint32(UInt32)
  case int32(Int32)
  case float32(Float)
  case bool(Bool)
  case string(String)
  case array([GGUFValue])
  case uint64(UInt64)
  case int64(Int64)
  case float64(Double)

  /// The format's name for the value's type, for messages (`UINT32`, `ARRAY of STRING`, …).
  public var typeName: String {
    switch self {
    case .uint8: "UINT8"
    case .int8: "INT8"
    case .uint16: "UINT16"
    case .int16: "INT16"
    case .uint32: "UINT32"
    case .int32: "INT32"
    case .float32: "FLOAT32"
    case .bool: "BOOL"
    case .string: "STRING"
    case .array(let items): items.first.map { "ARRAY of \($0.typeName)" } ?? "ARRAY"
    case .uint64: "UINT64"
    case .int64: "INT64"
    case .float64: "FLOAT64"
    }
  }

  /// Any integer type whose value fits in Int.
  public var intValue: Int? {
    switch self {
    case .uint8(let v): Int(v)
    case .int8(let v): Int(v)
    case .uint16(let v): Int(v)
    case .int16(let v): Int(v)
    case .uint32(let v): Int(v)
    case .int32(let v): Int(v)
    case .uint64(let v): Int(exactly: v)
    case .int64(let v): Int(v)
    default: nil
    }
  }

  /// FLOAT32 or FLOAT64 (converted).
  public var floatValue: Double? {
    switch self {
    case .float32(let v): Double(v)
    case .float64(let v): v
    default: nil
    }
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var arrayValue: [GGUFValue]? {
    if case .array(let items) = self { return items }
    return nil
  }
}

/// A ggml tensor type: its id in the file, its name, and its block geometry.
public struct GGMLType: Sendable, Equatable, CustomStringConvertible {
  public let id: UInt32
  public let name: String
  /// Elements per block (1 for plain float and integer types).
  public let blockSize: Int
  /// Bytes per block.
  public let blockBytes: Int

  public var description: String { name }

  public static let f32 = GGMLType(id: 0, name: "F32", blockSize: 1, blockBytes: 4)
  public static let f16 = GGMLType(id: 1, name: "F16", blockSize: 1, blockBytes: 2)
  public static let q4_0 = GGMLType(id: 2, name: "Q4_0", blockSize: 32, blockBytes: 18)
  public static let q4_1 = GGMLType(id: 3, name: "Q4_1", blockSize: 32, blockBytes: 20)
  public static let q8_0 = GGMLType(id: 8, name: "Q8_0", blockSize: 32, blockBytes: 34)
  public static let q4_K = GGMLType(id: 12, name: "Q4_K", blockSize: 256, blockBytes: 144)
  public static let q5_K = GGMLType(id: 13, name: "Q5_K", blockSize: 256, blockBytes: 176)
  public static let q6_K = GGMLType(id: 14, name: "Q6_K", blockSize: 256, blockBytes: 210)
  public static let bf16 = GGMLType(id: 30, name: "BF16", blockSize: 1, blockBytes: 2)

  /// The types the engine dequantizes.
  public static let supported: [GGMLType] = [
    .f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q4_K, .q5_K, .q6_K,
  ]

  public var isSupported: Bool { Self.supported.contains(self) }

  /// Every type ggml defines (as of gguf-py 0.19), by id.
  public static func known(_ id: UInt32) -> GGMLType? {
    if let s = supported.first(where: { $0.id == id }) { return s }
    guard let (name, blockSize, blockBytes) = others[id] else { return nil }
    return GGMLType(id: id, name: name, blockSize: blockSize, blockBytes: blockBytes)
  }

  private static let others: [UInt32: (String, Int, Int)] = [
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 9: ("Q8_1", 32, 40), 10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66),
    17: ("IQ2_XS", 256, 74), 18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50),
    20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110), 22: ("IQ2_S", 256, 82),
    23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2), 26: ("I32", 1, 4),
    27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56), 34: ("TQ1_0", 256, 54),
    35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17), 40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18),
  ]
}
