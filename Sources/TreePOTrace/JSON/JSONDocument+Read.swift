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

  /// A string token's bytes as they stand in the text (escapes not decoded) and whether it has
  /// escapes: lets an importer compare a string with one it has seen, or parse a short one, without
  /// making a `String`.
  package func withRawString<R>(
    _ t: Int, _ body: (UnsafeBufferPointer<UInt8>, _ escaped: Bool) -> R
  ) -> R {
    let token = tokens[t]
    return bytes.withUnsafeBufferPointer { buffer in
      body(UnsafeBufferPointer(rebasing: buffer[Int(token.start)..<Int(token.end)]), token.flag)
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

  /// Decodes a string token's escapes (see `unescape(_:into:)`).
  static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
    String(unsafeUninitializedCapacity: raw.count) { unescape(raw, into: $0.baseAddress!) }
  }

  /// Decodes the escapes of a string token's raw bytes into `o`, copying the text between two
  /// backslashes as one run; returns the byte count. The scanner checked every escape (and paired
  /// every surrogate), and the result is never longer than the escaped text: `o` needs room for
  /// `raw.count` bytes.
  package static func unescape(
    _ raw: UnsafeBufferPointer<UInt8>, into o: UnsafeMutablePointer<UInt8>
  ) -> Int {
    guard let p = raw.baseAddress else { return 0 }
    let end = raw.count
    var k = 0
    var n = 0
    func hex4(_ at: Int) -> UInt32 {
      var v: UInt32 = 0
      for j in at..<at + 4 { v = v << 4 | hexDigit(p[j])! }
      return v
    }
    while true {
      // The run up to the next backslash, copied a word at a time as it is scanned: each word is
      // stored whole and `n` advances over its plain bytes only. The output never runs ahead of
      // the input (n <= k) and words are read while k + 8 <= end: stores stay in `o[0..<end]`.
      var slash = end
      while k &+ 8 <= end {
        let w = JSONByteScan.word(p, k)
        let m = JSONByteScan.backslashes(w)
        JSONByteScan.store(w, o, n)
        if m != 0 {
          let j = m.trailingZeroBitCount >> 3
          slash = k &+ j
          n &+= j
          break
        }
        k &+= 8
        n &+= 8
      }
      if slash == end {
        while k < end, p[k] != 0x5C {
          o[n] = p[k]
          k &+= 1
          n &+= 1
        }
        guard k < end else { return n }
        slash = k
      }
      let e = p[slash + 1]
      k = slash + 2
      switch e {
      case UInt8(ascii: "b"): o[n] = 0x08
      case UInt8(ascii: "f"): o[n] = 0x0C
      case UInt8(ascii: "n"): o[n] = 0x0A
      case UInt8(ascii: "r"): o[n] = 0x0D
      case UInt8(ascii: "t"): o[n] = 0x09
      case UInt8(ascii: "u"):
        var scalar = hex4(k)
        k += 4
        if (0xD800..<0xDC00).contains(scalar) {  // the scanner checked the low half follows
          scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(k + 2) - 0xDC00)
          k += 6
        }
        n += encodeUTF8(scalar, into: o + n)
        continue
      default: o[n] = e  // " \ /
      }
      n += 1
    }
  }

  /// Writes `scalar` (a valid code point) as UTF-8; returns the byte count.
  private static func encodeUTF8(_ scalar: UInt32, into o: UnsafeMutablePointer<UInt8>) -> Int {
    switch scalar {
    case ..<0x80:
      o[0] = UInt8(scalar)
      return 1
    case ..<0x800:
      o[0] = UInt8(0xC0 | scalar >> 6)
      o[1] = UInt8(0x80 | scalar & 0x3F)
      return 2
    case ..<0x10000:
      o[0] = UInt8(0xE0 | scalar >> 12)
      o[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
      o[2] = UInt8(0x80 | scalar & 0x3F)
      return 3
    default:
      o[0] = UInt8(0xF0 | scalar >> 18)
      o[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
      o[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
      o[3] = UInt8(0x80 | scalar & 0x3F)
      return 4
    }
  }
}
