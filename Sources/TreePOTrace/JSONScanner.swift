// A small JSON parser for trace lines: JSONDecoder took seconds for a 100k-event trace, this takes
// a fraction of that. Numbers keep their text until a field asks for Int, Float or Double, so
// floats are parsed straight to Float (correctly rounded) and round-trip exactly.

// Not `indirect`: arrays and dictionaries are already boxed, and boxing every number cost an
// allocation per value.
enum JSON: Equatable {
  case null
  case bool(Bool)
  case int(Int)
  /// A number that is not a plain integer, as written.
  case number(String)
  case string(String)
  case array([JSON])
  case object([String: JSON])
}

struct JSONSyntaxError: Error {}

struct JSONScanner {
  private let bytes: UnsafeBufferPointer<UInt8>
  private var i = 0

  /// Parses one complete JSON value from `bytes` (surrounding whitespace allowed).
  static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws -> JSON {
    var scanner = JSONScanner(bytes: bytes)
    let value = try scanner.value()
    scanner.skipSpace()
    guard scanner.i == bytes.count else { throw JSONSyntaxError() }
    return value
  }

  static func parse(_ bytes: ArraySlice<UInt8>) throws -> JSON {
    try bytes.withUnsafeBufferPointer { try parse($0) }
  }

  private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

  private mutating func skipSpace() {
    while i < bytes.count,
      bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D
        || bytes[i] == 0x0A
    {
      i += 1
    }
  }

  private mutating func expect(_ c: UInt8) throws {
    guard i < bytes.count, bytes[i] == c else { throw JSONSyntaxError() }
    i += 1
  }

  private mutating func literal(_ text: StaticString) throws {
    let n = text.utf8CodeUnitCount
    guard i + n <= bytes.count else { throw JSONSyntaxError() }
    for k in 0..<n where bytes[i + k] != text.utf8Start[k] { throw JSONSyntaxError() }
    i += n
  }

  private mutating func value() throws -> JSON {
    skipSpace()
    guard i < bytes.count else { throw JSONSyntaxError() }
    switch bytes[i] {
    case UInt8(ascii: "{"):
      i += 1
      var object: [String: JSON] = [:]
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
        i += 1
        return .object(object)
      }
      while true {
        skipSpace()
        let key = try string()
        skipSpace()
        try expect(UInt8(ascii: ":"))
        object[key] = try value()
        skipSpace()
        guard i < bytes.count else { throw JSONSyntaxError() }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        try expect(UInt8(ascii: "}"))
        return .object(object)
      }
    case UInt8(ascii: "["):
      i += 1
      var array: [JSON] = []
      skipSpace()
      if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
        i += 1
        return .array(array)
      }
      while true {
        array.append(try value())
        skipSpace()
        guard i < bytes.count else { throw JSONSyntaxError() }
        if bytes[i] == UInt8(ascii: ",") {
          i += 1
          continue
        }
        try expect(UInt8(ascii: "]"))
        return .array(array)
      }
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"):
      try literal("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try literal("false")
      return .bool(false)
    case UInt8(ascii: "n"):
      try literal("null")
      return .null
    default: return try number()
    }
  }

  private mutating func number() throws -> JSON {
    let start = i
    var negative = false
    if i < bytes.count, bytes[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var value = 0
    var digits = 0
    var overflow = false
    while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 {
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (s, o2) = m.addingReportingOverflow(Int(bytes[i] - 0x30))
      overflow = overflow || o1 || o2
      value = s
      digits += 1
      i += 1
    }
    guard digits > 0 else { throw JSONSyntaxError() }
    var plain = !overflow
    while i < bytes.count,
      bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "e")
        || bytes[i] == UInt8(ascii: "E") || bytes[i] == UInt8(ascii: "+")
        || bytes[i] == UInt8(ascii: "-") || (bytes[i] >= 0x30 && bytes[i] <= 0x39)
    {
      plain = false
      i += 1
    }
    if plain { return .int(negative ? -value : value) }
    // Checked when a field reads it (Float/Double parsing), not twice.
    return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
  }

  private mutating func string() throws -> String {
    try expect(UInt8(ascii: "\""))
    let start = i
    // Fast path: no escapes.
    while i < bytes.count, bytes[i] != UInt8(ascii: "\""), bytes[i] != UInt8(ascii: "\\") {
      guard bytes[i] >= 0x20 else { throw JSONSyntaxError() }
      i += 1
    }
    guard i < bytes.count else { throw JSONSyntaxError() }
    if bytes[i] == UInt8(ascii: "\"") {
      i += 1
      return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<(i - 1)]), as: UTF8.self)
    }
    var out = Array(bytes[start..<i])
    while i < bytes.count {
      let b = bytes[i]
      i += 1
      switch b {
      case UInt8(ascii: "\""): return String(decoding: out, as: UTF8.self)
      case UInt8(ascii: "\\"):
        guard i < bytes.count else { throw JSONSyntaxError() }
        let e = bytes[i]
        i += 1
        switch e {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "u"):
          var scalar = try hex4()
          if (0xD800..<0xDC00).contains(scalar) {
            try literal("\\u")
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw JSONSyntaxError() }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let u = Unicode.Scalar(scalar) else { throw JSONSyntaxError() }
          out.append(contentsOf: Array(String(Character(u)).utf8))
        default: throw JSONSyntaxError()
        }
      default:
        guard b >= 0x20 else { throw JSONSyntaxError() }
        out.append(b)
      }
    }
    throw JSONSyntaxError()
  }

  private mutating func hex4() throws -> UInt32 {
    guard i + 4 <= bytes.count else { throw JSONSyntaxError() }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[i]
      i += 1
      let d: UInt8
      switch c {
      case 0x30...0x39: d = c - 0x30
      case 0x41...0x46: d = c - 0x41 + 10
      case 0x61...0x66: d = c - 0x61 + 10
      default: throw JSONSyntaxError()
      }
      v = v << 4 | UInt32(d)
    }
    return v
  }
}
