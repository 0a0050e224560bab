// The one JSON writer: trace lines (hand-written per event, several times faster than JSONEncoder —
// the sampler writes a line for every segment of every path), `JSONValue.serialized` (config.json,
// tokenizer.json, safetensors headers) and the metrics lines. Callers give keys in the order they
// want; dictionaries are written sorted so files are stable.

public struct JSONWriter {
  public enum Style: Sendable {
    /// `{"a":1,"b":[2,3]}` — trace lines, safetensors headers.
    case compact
    /// `{"a": 1, "b": [2, 3]}` — Python's `json.dumps` default (verl's metrics lines).
    case spaced
    /// One member per line, indented by this many spaces per level (HF's files use 2).
    case indented(Int)
  }

  public var bytes: [UInt8] = []
  public let style: Style
  private var needsComma = false
  private var afterKey = false
  private var level = 0

  public init(style: Style = .compact, capacity: Int = 256) {
    self.style = style
    bytes.reserveCapacity(capacity)
  }

  public mutating func beginObject() {
    separate()
    bytes.append(UInt8(ascii: "{"))
    open()
  }
  public mutating func endObject() { close(UInt8(ascii: "}")) }
  public mutating func beginArray() {
    separate()
    bytes.append(UInt8(ascii: "["))
    open()
  }
  public mutating func endArray() { close(UInt8(ascii: "]")) }

  public mutating func key(_ name: String) {
    separate()
    writeString(name)
    bytes.append(UInt8(ascii: ":"))
    if case .compact = style {} else { bytes.append(UInt8(ascii: " ")) }
    afterKey = true
  }

  private mutating func open() {
    needsComma = false
    level += 1
  }

  private mutating func close(_ bracket: UInt8) {
    level -= 1
    // `needsComma` is set exactly when the container got an element.
    if needsComma, case .indented(let n) = style { newline(indent: n) }
    bytes.append(bracket)
    needsComma = true
  }

  /// Before a value or key: the comma and the layout, unless a key was just written.
  private mutating func separate() {
    if afterKey {
      afterKey = false
      return
    }
    if needsComma {
      bytes.append(UInt8(ascii: ","))
      if case .spaced = style { bytes.append(UInt8(ascii: " ")) }
    }
    if level > 0, case .indented(let n) = style { newline(indent: n) }
    needsComma = true
  }

  /// Ends a JSONL line: a newline, and the next value starts afresh (no comma before it).
  mutating func endLine() {
    bytes.append(0x0A)
    needsComma = false
  }

  private mutating func newline(indent: Int) {
    bytes.append(0x0A)
    bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  public mutating func null() {
    separate()
    bytes.append(contentsOf: "null".utf8)
  }
  public mutating func value(_ v: Bool) {
    separate()
    bytes.append(contentsOf: (v ? "true" : "false").utf8)
  }
  public mutating func value(_ v: Int) {
    separate()
    if v < 0 { bytes.append(UInt8(ascii: "-")) }
    appendDecimal(UInt64(v.magnitude))
  }
  public mutating func value(_ v: UInt64) {
    separate()
    appendDecimal(v)
  }

  /// Digits straight into the buffer (a trace line is mostly small integers; no String between).
  private mutating func appendDecimal(_ v: UInt64) {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var v = v
      var n = 20
      repeat {
        n -= 1
        digits[n] = UInt8(ascii: "0") + UInt8(v % 10)
        v /= 10
      } while v > 0
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[n..<20]))
    }
  }
  /// Finite: the shortest text that reads back to the same Float. Non-finite: the strings "nan",
  /// "inf", "-inf" (the trace format's convention; JSON has no such numbers).
  public mutating func value(_ v: Float) {
    if v.isFinite { number(v.description) } else { value(v.isNaN ? "nan" : v < 0 ? "-inf" : "inf") }
  }
  public mutating func value(_ v: Double) {
    if v.isFinite { number(v.description) } else { value(v.isNaN ? "nan" : v < 0 ? "-inf" : "inf") }
  }
  public mutating func value(_ v: String) {
    separate()
    writeString(v)
  }
  /// A number's text as given (the caller vouches it is JSON).
  public mutating func number(_ text: String) {
    separate()
    bytes.append(contentsOf: text.utf8)
  }

  private mutating func writeString(_ s: String) {
    var s = s
    s.withUTF8 { writeString(utf8: $0) }
  }

  /// Copies the text between two bytes that need escaping as one run; only `"`, `\\` and control
  /// characters are escaped (UTF-8 is written as is).
  mutating func writeString(utf8: UnsafeBufferPointer<UInt8>) {
    bytes.append(UInt8(ascii: "\""))
    if let p = utf8.baseAddress {
      var k = 0
      while true {
        let special = JSONByteScan.firstSpecial(p, from: k, end: utf8.count, nonASCII: false)
        bytes.append(contentsOf: UnsafeBufferPointer(start: p + k, count: special - k))
        guard special < utf8.count else { break }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 6) { e in
          let n = Self.escape(p[special], into: e.baseAddress!)
          bytes.append(contentsOf: UnsafeBufferPointer(rebasing: e[0..<n]))
        }
        k = special + 1
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

// Field shorthands for the trace encoders: `field(name, value)`; optionals are left out when nil.
extension JSONWriter {
  public mutating func field(_ name: String, _ v: Int) {
    key(name)
    value(v)
  }
  public mutating func field(_ name: String, _ v: Float) {
    key(name)
    value(v)
  }
  public mutating func field(_ name: String, _ v: Double) {
    key(name)
    value(v)
  }
  public mutating func field(_ name: String, _ v: Bool) {
    key(name)
    value(v)
  }
  public mutating func field(_ name: String, _ v: String) {
    key(name)
    value(v)
  }
  public mutating func field(_ name: String, _ v: Int?) { if let v { field(name, v) } }
  public mutating func field(_ name: String, _ v: Float?) { if let v { field(name, v) } }
  public mutating func field(_ name: String, _ v: String?) { if let v { field(name, v) } }
  public mutating func field(_ name: String, _ v: [Int]) {
    key(name)
    beginArray()
    for x in v { value(x) }
    endArray()
  }
  public mutating func field(_ name: String, _ v: [String]?) {
    guard let v else { return }
    key(name)
    beginArray()
    for x in v { value(x) }
    endArray()
  }
  public mutating func field(_ name: String, _ v: [Float]) {
    key(name)
    beginArray()
    for x in v { value(x) }
    endArray()
  }
  public mutating func field(_ name: String, _ v: [String: String]) {
    key(name)
    beginObject()
    for k in v.keys.sorted() { field(k, v[k]!) }
    endObject()
  }
  public mutating func field(_ name: String, _ v: [String: Double]) {
    key(name)
    beginObject()
    for k in v.keys.sorted() { field(k, v[k]!) }
    endObject()
  }
}
