// JSON string escapes, one set of rules for every writer: JSONWriter's strings and the importer's
// encoder (which writes into memory of its own) both go through `escape(_:into:)`.

extension JSONWriter {
  /// A string's body (no quotes) escaped as `writeString` escapes it, into `o`, which has room for
  /// `6 * utf8.count` bytes (no byte takes more); returns the count. For encoders that write into
  /// memory of their own (the importer's event lines).
  package static func escaped(
    _ utf8: UnsafeBufferPointer<UInt8>, into o: UnsafeMutablePointer<UInt8>
  ) -> Int {
    guard let p = utf8.baseAddress else { return 0 }
    let end = utf8.count
    var k = 0
    var n = 0
    while true {
      // Runs are copied a word at a time as they are scanned: each word is stored whole, and `n`
      // advances only over its plain bytes. Words are read while k + 8 <= end, and n <= 6 * k (no
      // byte takes more than 6), so a store ends by 6 * (end - 8) + 8 < 6 * end: in the room.
      var special = false
      while k &+ 8 <= end {
        let w = JSONByteScan.word(p, k)
        let m = JSONByteScan.specials(w)
        JSONByteScan.store(w, o, n)
        if m != 0 {
          let j = m.trailingZeroBitCount >> 3
          k &+= j
          n &+= j
          special = true
          break
        }
        k &+= 8
        n &+= 8
      }
      if !special {
        while k < end, p[k] >= 0x20, p[k] != 0x22, p[k] != 0x5C {
          o[n] = p[k]
          k &+= 1
          n &+= 1
        }
        guard k < end else { return n }
      }
      n &+= escape(p[k], into: o + n)
      k &+= 1
    }
  }

  /// The escape of `b` (`"`, `\\` or a control character) into `o`; returns its length (2 or 6).
  static func escape(_ b: UInt8, into o: UnsafeMutablePointer<UInt8>) -> Int {
    o[0] = 0x5C
    switch b {
    case UInt8(ascii: "\""), UInt8(ascii: "\\"): o[1] = b
    case 0x0A: o[1] = UInt8(ascii: "n")
    case 0x0D: o[1] = UInt8(ascii: "r")
    case 0x09: o[1] = UInt8(ascii: "t")
    default:
      let hex: StaticString = "0123456789abcdef"
      o[1] = UInt8(ascii: "u")
      o[2] = 0x30
      o[3] = 0x30
      o[4] = hex.utf8Start[Int(b >> 4)]
      o[5] = hex.utf8Start[Int(b & 15)]
      return 6
    }
    return 2
  }
}
