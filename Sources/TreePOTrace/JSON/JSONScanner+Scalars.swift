// Strings and numbers: checked completely here (escapes, surrogate pairs, UTF-8, number grammar),
// so reading them later from the tape cannot fail.

extension JSONScanner {
  mutating func string() throws(ScanError) {
    i += 1
    let start = i
    var escaped = false
    let base = bytes.baseAddress!  // non-empty: `i - 1` is the opening quote
    while true {
      // Plain ASCII text is skipped a word at a time; each byte that stops the skip is checked.
      i = JSONByteScan.firstSpecial(base, from: i, end: bytes.count, nonASCII: true)
      guard i < bytes.count else { break }
      let b = base[i]
      if b == UInt8(ascii: "\"") {
        tokens.append(JSONToken(kind: .string, flag: escaped, start: UInt32(start), end: UInt32(i)))
        i += 1
        return
      }
      if b == UInt8(ascii: "\\") {
        escaped = true
        i += 1
        try escape()
      } else if b < 0x20 {
        throw ScanError("control character inside a string")
      } else if b >= 0xC2 && b <= 0xDF && i + 1 < bytes.count && base[i + 1] & 0xC0 == 0x80 {
        i += 2  // the usual two-byte sequence, checked here (utf8Sequence has the rules)
      } else if b >= 0xE1 && b <= 0xEF && b != 0xED && i + 2 < bytes.count
        && base[i + 1] & 0xC0 == 0x80 && base[i + 2] & 0xC0 == 0x80
      {
        i += 3  // the usual three-byte sequence (E0 and ED have narrower second bytes)
      } else {
        try utf8Sequence()
      }
    }
    throw ScanError("unterminated string")
  }

  /// After a backslash.
  private mutating func escape() throws(ScanError) {
    guard let e = current else { throw ScanError("unterminated escape") }
    i += 1
    switch e {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
      UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
      return
    case UInt8(ascii: "u"):
      let unit = try hex4()
      if (0xDC00..<0xE000).contains(unit) { throw ScanError("unpaired UTF-16 surrogate") }
      guard (0xD800..<0xDC00).contains(unit) else { return }
      guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u")
      else { throw ScanError("unpaired UTF-16 surrogate") }
      i += 2
      guard (0xDC00..<0xE000).contains(try hex4()) else {
        throw ScanError("unpaired UTF-16 surrogate")
      }
    default:
      let shown = e < 0x80 ? String(Character(Unicode.Scalar(e))) : "\\x\(String(e, radix: 16))"
      throw ScanError("invalid escape '\\\(shown)'")
    }
  }

  private mutating func hex4() throws(ScanError) -> UInt32 {
    var v: UInt32 = 0
    for _ in 0..<4 {
      guard let b = current, let d = hexDigit(b) else {
        throw ScanError("expected four hex digits after \\u")
      }
      v = v << 4 | d
      i += 1
    }
    return v
  }

  /// One multi-byte UTF-8 sequence at `i` (RFC 3629: no overlong forms, no surrogates, at most
  /// U+10FFFF).
  private mutating func utf8Sequence() throws(ScanError) {
    let lead = bytes[i]
    var low: UInt8 = 0x80
    var high: UInt8 = 0xBF
    let continuation: Int
    switch lead {
    case 0xC2...0xDF: continuation = 1
    case 0xE0:
      continuation = 2
      low = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: continuation = 2
    case 0xED:
      continuation = 2
      high = 0x9F
    case 0xF0:
      continuation = 3
      low = 0x90
    case 0xF1...0xF3: continuation = 3
    case 0xF4:
      continuation = 3
      high = 0x8F
    default: throw ScanError("invalid UTF-8 in a string")
    }
    guard i + continuation < bytes.count else { throw ScanError("invalid UTF-8 in a string") }
    let second = bytes[i + 1]
    guard second >= low, second <= high else { throw ScanError("invalid UTF-8 in a string") }
    var k = 2
    while k <= continuation {
      guard bytes[i + k] & 0xC0 == 0x80 else { throw ScanError("invalid UTF-8 in a string") }
      k += 1
    }
    i += continuation + 1
  }

  mutating func number() throws(ScanError) {
    let start = i
    var isInteger = true
    if current == UInt8(ascii: "-") { i += 1 }
    let intStart = i
    guard digits() > 0 else { throw ScanError("expected digits in a number") }
    if bytes[intStart] == UInt8(ascii: "0") && i - intStart > 1 {
      throw ScanError("leading zeros in a number")
    }
    if current == UInt8(ascii: ".") {
      isInteger = false
      i += 1
      guard digits() > 0 else { throw ScanError("expected digits after '.'") }
    }
    if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
      isInteger = false
      i += 1
      if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
      guard digits() > 0 else { throw ScanError("expected digits in an exponent") }
    }
    tokens.append(JSONToken(kind: .number, flag: isInteger, start: UInt32(start), end: UInt32(i)))
  }

  private mutating func digits() -> Int {
    let from = i
    while i < bytes.count, bytes[i] &- UInt8(ascii: "0") < 10 { i += 1 }
    return i - from
  }
}

func hexDigit(_ b: UInt8) -> UInt32? {
  switch b {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(b - UInt8(ascii: "0"))
  case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(b - UInt8(ascii: "a") + 10)
  case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(b - UInt8(ascii: "A") + 10)
  default: nil
  }
}
