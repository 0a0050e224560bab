// A JSON value tree for the checkpoint files (config.json, tokenizer.json, safetensors headers),
// built from the one parser's tape (JSONDocument). Own parser instead of JSONSerialization:
// integers stay distinct from floats and from booleans, objects keep their key order (so written
// files are stable), and a parse error knows its line and column, which goes straight into the
// one-sentence error a user sees.

public enum JSONValue: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  /// Keys in file order; lookups are linear, which is fine for files with tens of keys.
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool {
    switch (a, b) {
    case (.null, .null): true
    case (.bool(let x), .bool(let y)): x == y
    case (.int(let x), .int(let y)): x == y
    case (.double(let x), .double(let y)): x == y
    case (.string(let x), .string(let y)): x == y
    case (.array(let x), .array(let y)): x == y
    case (.object(let x), .object(let y)):
      x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    default: false
    }
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
    return nil
  }

  /// The JSON type name, for "expected an integer, found a string" messages.
  public var typeName: String {
    switch self {
    case .null: "null"
    case .bool: "a boolean"
    case .int: "an integer"
    case .double: "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  public var intValue: Int? {
    switch self {
    case .int(let i): i
    case .double(let d) where d == d.rounded() && abs(d) < 1e15: Int(d)
    default: nil
    }
  }

  public var doubleValue: Double? {
    switch self {
    case .int(let i): Double(i)
    case .double(let d): d
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
}

// MARK: - Writing

extension JSONValue {
  /// Serialises with two-space indentation (HF's style), or compactly when `indent` is nil.
  public func serialized(indent: Int? = 2) -> String {
    serialized(style: indent.map { .indented($0) } ?? .compact)
  }

  public func serialized(style: JSONWriter.Style) -> String {
    var w = JSONWriter(style: style)
    write(into: &w)
    return String(decoding: w.bytes, as: UTF8.self)
  }

  /// Recursive, but only as deep as the value: parsed values are at most
  /// `JSONDocument.defaultMaxDepth` levels.
  public func write(into w: inout JSONWriter) {
    switch self {
    case .null: w.null()
    case .bool(let b): w.value(b)
    case .int(let i): w.value(i)
    case .double(let d): d.isFinite ? w.number(Self.format(d)) : w.null()
    case .string(let s): w.value(s)
    case .array(let items):
      w.beginArray()
      for item in items { item.write(into: &w) }
      w.endArray()
    case .object(let members):
      w.beginObject()
      for (key, value) in members {
        w.key(key)
        value.write(into: &w)
      }
      w.endObject()
    }
  }

  /// Shortest round-tripping text, always with a fraction or exponent so it reads back as a float.
  private static func format(_ d: Double) -> String {
    let s = "\(d)"
    return s.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? s : s + ".0"
  }
}
