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

  /// Skips whole words of a string's text that need no byte-by-byte look: ASCII other than `"`,
  /// `\\` and control characters, and complete, valid two- and three-byte UTF-8 sequences (E0
  /// and ED leads, overlong C0/C1 leads and four-byte sequences are left to the caller's byte
  /// checks). Returns where the caller must look at bytes itself: the start of the first word
  /// that holds anything else, or the end of the last whole word. `from` must be at a character
  /// boundary; the result is one too (a sequence that runs past a word is not skipped).
  static func plainStringText(_ p: UnsafePointer<UInt8>, from: Int, end: Int) -> Int {
    var k = from
    while k &+ 8 <= end {
      let w = word(p, k)
      // Per byte, bit 7 of each mask: the byte's bit 7, 6, 5, 4 (a left shift by s < 8 moves bit
      // 7 - s of a byte to its bit 7; what crosses from the byte below lands lower).
      let b7 = w & highs
      let b6 = (w << 1) & highs
      let b5 = (w << 2) & highs
      let b4 = (w << 3) & highs
      let lead = b7 & b6
      let lead2 = lead & ~b5
      let lead3 = lead & b5 & ~b4
      let continuation = b7 & ~b6
      // C0/C1: a two-byte lead whose bits 4…1 are all zero.
      let low4 = (w << 3) | (w << 4) | (w << 5) | (w << 6)
      let unusual =
        (lead & b5 & b4) | (lead2 & ~low4 & highs) | equal(w, 0xE0) | equal(w, 0xED)
      // Where continuation bytes must be: after each lead, within this word.
      let expected = (lead2 << 8) | (lead3 << 8) | (lead3 << 16)
      if specials(w) | unusual != 0 || expected != continuation { return k }
      // A lead whose sequence runs past the word ends the skip there.
      let cut = (lead2 & (0x80 << 56)) | (lead3 & (0x8080 << 48))
      k &+= cut == 0 ? 8 : cut.trailingZeroBitCount >> 3
    }
    return k
  }

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
