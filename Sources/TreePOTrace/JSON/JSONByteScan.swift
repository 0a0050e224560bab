// Finding the next byte that needs work inside a JSON string, eight bytes at a time (SWAR: one
// 64-bit word, no SIMD intrinsics). The scanner, the unescaper and the writer all spend their time
// between such bytes — ordinary text — so they skip it a word at a time and copy it as one run.
//
// Each test sets the high bit of a byte that matches. Borrows and carries only run upwards from a
// byte that matched, so the lowest set bit is always a true match; callers only ever use the
// lowest one (little-endian: the first byte in memory).

enum JSONByteScan {
  private static let ones: UInt64 = 0x0101_0101_0101_0101
  private static let highs: UInt64 = 0x8080_8080_8080_8080

  @inline(__always)
  static func word(_ p: UnsafePointer<UInt8>, _ at: Int) -> UInt64 {
    UInt64(littleEndian: UnsafeRawPointer(p + at).loadUnaligned(as: UInt64.self))
  }

  /// High bit of each byte equal to `c`.
  @inline(__always)
  private static func equal(_ w: UInt64, _ c: UInt8) -> UInt64 {
    let x = w ^ (ones &* UInt64(c))
    return (x &- ones) & ~x & highs
  }

  /// High bit of each byte below 0x20 (a control character).
  @inline(__always)
  private static func control(_ w: UInt64) -> UInt64 { (w &- ones &* 0x20) & ~w & highs }

  /// Stores a word loaded by `word(_:_:)` (for copying runs a word at a time).
  @inline(__always)
  static func store(_ w: UInt64, _ p: UnsafeMutablePointer<UInt8>, _ at: Int) {
    UnsafeMutableRawPointer(p + at).storeBytes(of: w.littleEndian, as: UInt64.self)
  }

  /// High bit of each byte that a JSON string cannot hold as it is: `"`, `\`, control characters.
  @inline(__always)
  static func specials(_ w: UInt64) -> UInt64 { equal(w, 0x22) | equal(w, 0x5C) | control(w) }

  /// High bit of each backslash.
  @inline(__always)
  static func backslashes(_ w: UInt64) -> UInt64 { equal(w, 0x5C) }

  /// The first index at or after `from` whose byte is `"`, `\`, a control character, or (with
  /// `nonASCII`) any byte ≥ 0x80; `end` when there is none.
  @inline(__always)
  static func firstSpecial(
    _ p: UnsafePointer<UInt8>, from: Int, end: Int, nonASCII: Bool
  ) -> Int {
    var k = from
    while k &+ 8 <= end {
      let w = word(p, k)
      var m = equal(w, 0x22) | equal(w, 0x5C) | control(w)
      if nonASCII { m |= w & highs }
      if m != 0 { return k &+ (m.trailingZeroBitCount >> 3) }
      k &+= 8
    }
    while k < end {
      let b = p[k]
      if b == 0x22 || b == 0x5C || b < 0x20 || (nonASCII && b >= 0x80) { return k }
      k &+= 1
    }
    return end
  }

  /// The first backslash at or after `from`; `end` when there is none.
  @inline(__always)
  static func firstBackslash(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    var k = from
    while k &+ 8 <= end {
      let m = equal(word(p, k), 0x5C)
      if m != 0 { return k &+ (m.trailingZeroBitCount >> 3) }
      k &+= 8
    }
    while k < end, p[k] != 0x5C { k &+= 1 }
    return k
  }
}
