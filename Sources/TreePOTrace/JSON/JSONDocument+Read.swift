// Reading values off the tape. Every token was checked by the scanner, so these only convert.
// Token indices come from `root`, `member(_:_:)`, `children(_:)`; passing any other index is a
// programming error.

extension JSONDocument {
  /// The top-level value's token.
  public var root: Int { 0 }

  public func kind(_ t: Int) -> JSONToken.Kind { tokens[t].kind }

  /// The token after `t` and everything inside it.
  public func skip(_ t: Int) -> Int {
    let token = tokens[t]
    return token.kind == .array || token.kind == .object ? Int(token.end) : t + 1
  }

  /// Array elements, or object members as key, value, key, value… (no allocation).
  public func children(_ t: Int) -> Children {
    Children(document: self, position: t + 1, end: skip(t))
  }

  /// Elements of an array / members of an object.
  public func count(_ t: Int) -> Int {
    let token = tokens[t]
    return token.kind == .array || token.kind == .object ? Int(token.start) : 0
  }

  public struct Children: Sequence, IteratorProtocol {
    let document: JSONDocument
    var position: Int
    let end: Int
    public mutating func next() -> Int? {
      guard position < end else { return nil }
      defer { position = document.skip(position) }
      return position
    }
  }

  /// The value of the first member named `key` in object `t` (nil when absent or not an object).
  public func member(_ t: Int, _ key: String) -> Int? {
    guard tokens[t].kind == .object else { return nil }
    var k = t + 1
    let end = Int(tokens[t].end)
    while k < end {
      if keyEquals(k, key) { return k + 1 }
      k = skip(k + 1)
    }
    return nil
  }

  private func keyEquals(_ k: Int, _ key: String) -> Bool {
    let token = tokens[k]
    if token.flag { return string(k) == key }
    var key = key
    return key.withUTF8 { utf8 in
      let n = Int(token.end - token.start)
      guard utf8.count == n else { return false }
      return bytes.withUnsafeBufferPointer { buffer in
        let from = Int(token.start)
        for j in 0..<n where buffer[from + j] != utf8[j] { return false }
        return true
      }
    }
  }

  /// A string token's text, escapes decoded.
  public func string(_ t: Int) -> String {
    let token = tokens[t]
    return bytes.withUnsafeBufferPointer { buffer in
      let raw = UnsafeBufferPointer(rebasing: buffer[Int(token.start)..<Int(token.end)])
      return token.flag ? Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }
  }

  /// The exact text of a number token.
  public func numberText(_ t: Int) -> String {
    let token = tokens[t]
    return bytes.withUnsafeBufferPointer { buffer in
      String(
        decoding: UnsafeBufferPointer(rebasing: buffer[Int(token.start)..<Int(token.end)]),
        as: UTF8.self)
    }
  }

  /// A number without fraction or exponent that fits an Int.
  public func int(_ t: Int) -> Int? {
    let token = tokens[t]
    guard token.kind == .number, token.flag else { return nil }
    return bytes.withUnsafeBufferPointer { buffer in
      var k = Int(token.start)
      let negative = buffer[k] == UInt8(ascii: "-")
      if negative { k += 1 }
      var value = 0
      while k < Int(token.end) {
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let digit = Int(buffer[k] &- UInt8(ascii: "0"))
        let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
        if o1 || o2 { return nil }
        value = s
        k += 1
      }
      return value
    }
  }

  /// A number as Double, correctly rounded from its text.
  public func double(_ t: Int) -> Double? {
    guard tokens[t].kind == .number else { return nil }
    if let i = int(t), i.magnitude < 1 << 53 { return Double(i) }
    return Double(numberText(t))
  }

  /// A number as Float, rounded once from its text (not through Double), so a Float written with
  /// its shortest description reads back bit for bit.
  public func float(_ t: Int) -> Float? {
    guard tokens[t].kind == .number else { return nil }
    if let i = int(t), i.magnitude < 1 << 24 { return Float(i) }
    return Float(numberText(t))
  }

  static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(raw.count)
    var k = 0
    func hex4(_ at: Int) -> UInt32 {
      (at..<at + 4).reduce(0) { $0 << 4 | hexDigit(raw[$1])! }
    }
    while k < raw.count {
      let b = raw[k]
      k += 1
      guard b == UInt8(ascii: "\\") else {
        out.append(b)
        continue
      }
      let e = raw[k]
      k += 1
      switch e {
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = hex4(k)
        k += 4
        if (0xD800..<0xDC00).contains(scalar) {  // the scanner checked the low half follows
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(k + 2) - 0xDC00)
          k += 6
        }
        out.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
      default: out.append(e)  // " \ /
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
