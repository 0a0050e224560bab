// Numbers off the tape: each keeps its exact text until a caller asks for Int, Double or Float.
// The static forms read a token of any buffer (JSONTape's callers).

extension JSONDocument {
  /// A number without fraction or exponent that fits an Int.
  public func int(_ t: Int) -> Int? {
    bytes.withUnsafeBufferPointer { Self.int(tokens[t], in: $0) }
  }

  /// A number as Double, correctly rounded from its text.
  public func double(_ t: Int) -> Double? {
    bytes.withUnsafeBufferPointer { Self.double(tokens[t], in: $0) }
  }

  /// `int(_:)` for a token of `bytes` (the text the token's offsets count in).
  package static func int(_ token: JSONToken, in buffer: UnsafeBufferPointer<UInt8>) -> Int? {
    guard token.kind == .number, token.flag else { return nil }
    var k = Int(token.start)
    let negative = buffer[k] == UInt8(ascii: "-")
    if negative { k += 1 }
    var value = 0
    while k < Int(token.end) {
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let digit = Int(buffer[k] &- UInt8(ascii: "0"))
      let (s, o2) =
        negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
      if o1 || o2 { return nil }
      value = s
      k += 1
    }
    return value
  }

  /// `double(_:)` for a token of `bytes`.
  package static func double(_ token: JSONToken, in buffer: UnsafeBufferPointer<UInt8>) -> Double? {
    guard token.kind == .number else { return nil }
    if let i = int(token, in: buffer), i.magnitude < 1 << 53 { return Double(i) }
    if let d = shortDecimal(token, in: buffer) { return d }
    return Double(
      String(
        decoding: UnsafeBufferPointer(rebasing: buffer[Int(token.start)..<Int(token.end)]),
        as: UTF8.self))
  }

  /// `[-]DIGITS.DIGITS` with at most 15 digits in all (scores like `0.0`, `0.75`), without
  /// strtod: the digits as one integer (below 2^53) and 10^fraction (at most 10^15) are both exact
  /// doubles, so their quotient, rounded once by the division, is the correctly rounded value
  /// (Clinger's fast path). Nil for anything else.
  private static func shortDecimal(
    _ token: JSONToken, in buffer: UnsafeBufferPointer<UInt8>
  ) -> Double? {
    var k = Int(token.start)
    let negative = buffer[k] == UInt8(ascii: "-")
    if negative { k += 1 }
    var digits: UInt64 = 0
    var count = 0
    var fraction = 0
    var dot = false
    while k < Int(token.end) {
      let b = buffer[k]
      k += 1
      if b == UInt8(ascii: ".") {
        dot = true
        continue
      }
      guard b &- UInt8(ascii: "0") < 10, count < 15 else { return nil }  // an exponent, or long
      digits = digits * 10 + UInt64(b &- UInt8(ascii: "0"))
      count += 1
      if dot { fraction += 1 }
    }
    let value = Double(digits) / powersOfTen[fraction]
    return negative ? -value : value
  }

  /// 10^0 … 10^15, each exact in a Double.
  private static let powersOfTen: [Double] = [
    1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
  ]

  /// A number as Float, rounded once from its text (not through Double), so a Float written with
  /// its shortest description reads back bit for bit.
  public func float(_ t: Int) -> Float? {
    guard tokens[t].kind == .number else { return nil }
    if let i = int(t), i.magnitude < 1 << 24 { return Float(i) }
    return Float(numberText(t))
  }
}
