import Testing
import TreePOTrace

// The string paths that work a word (eight bytes) at a time — the scanner's skip over plain text,
// unescaping by runs, the writer's escaping by runs — checked against byte-by-byte references at
// every offset a special byte can take inside a word, and at both extremes (nothing escaped,
// everything escaped).

@Suite struct JSONEscapingTests {
  /// The writer's escaping done one byte at a time, as the old writer did it.
  static func referenceEscaped(_ s: String) -> [UInt8] {
    var out: [UInt8] = [0x22]
    let hex = Array("0123456789abcdef".utf8)
    for b in s.utf8 {
      switch b {
      case 0x22: out += [0x5C, 0x22]
      case 0x5C: out += [0x5C, 0x5C]
      case 0x0A: out += [0x5C, UInt8(ascii: "n")]
      case 0x0D: out += [0x5C, UInt8(ascii: "r")]
      case 0x09: out += [0x5C, UInt8(ascii: "t")]
      case 0..<0x20:
        out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 15)]]
      default: out.append(b)
      }
    }
    return out + [0x22]
  }

  static func written(_ s: String) -> [UInt8] {
    var w = JSONWriter()
    w.value(s)
    return w.bytes
  }

  static func readBack(_ bytes: [UInt8]) throws -> String {
    let d = try JSONDocument(parsing: bytes[...])
    return d.string(d.root)
  }

  /// Every control character, quote and backslash, and multi-byte UTF-8 (2, 3 and 4 bytes), each
  /// after 0…17 plain bytes, so it lands on every position of a word and past the word loop.
  static let specials: [String] =
    (0..<0x20).map { String(UnicodeScalar(UInt8($0))) } + ["\"", "\\", "é", "€", "😀", "\u{7F}"]

  @Test func everySpecialAtEveryOffsetRoundTrips() throws {
    for special in Self.specials {
      for offset in 0...17 {
        for tail in ["", "x", "abcdefghijk"] {
          let s = String(repeating: "a", count: offset) + special + tail
          let bytes = Self.written(s)
          #expect(bytes == Self.referenceEscaped(s), "\(s.debugDescription)")
          #expect(try Self.readBack(bytes) == s, "\(s.debugDescription)")
        }
      }
    }
  }

  @Test func nothingEscapedAndEverythingEscaped() throws {
    let plain = String(repeating: "plain text, nothing to escape. ", count: 40)
    #expect(Self.written(plain) == Self.referenceEscaped(plain))
    #expect(try Self.readBack(Self.written(plain)) == plain)
    let all = String(repeating: "\"\\\n\t\u{1}", count: 50)
    #expect(Self.written(all) == Self.referenceEscaped(all))
    #expect(try Self.readBack(Self.written(all)) == all)
    #expect(Self.written("") == [0x22, 0x22])
    #expect(try Self.readBack([0x22, 0x22]) == "")
  }

  @Test func unicodeEscapesAndSurrogatePairsDecodeAtEveryOffset() throws {
    // What `json.dumps(..., ensure_ascii=True)` writes: every non-ASCII scalar as \uXXXX, those
    // above U+FFFF as a surrogate pair.
    let cases: [(String, String)] = [
      (#"\u00e9"#, "é"), (#"\u20ac"#, "€"), (#"\ud83d\ude00"#, "😀"), (#"\u0000"#, "\u{0}"),
      (#"\/"#, "/"), (#"\b\f\n\r\t"#, "\u{8}\u{C}\n\r\t"), (#"\u001f"#, "\u{1F}"),
      (#"\uDBFF\uDFFF"#, "\u{10FFFF}"), (#"\u0041\u00e9\ud83d\ude00"#, "Aé😀"),
    ]
    for (escaped, text) in cases {
      for offset in 0...17 {
        let pad = String(repeating: "p", count: offset)
        let json = Array("\"\(pad)\(escaped)\(pad)\"".utf8)
        #expect(try Self.readBack(json) == pad + text + pad, "\(escaped) after \(offset)")
      }
    }
  }

  @Test func randomStringsRoundTripAgainstTheReference() throws {
    var rng = SeededRandom(seed: 11)
    let pool: [UnicodeScalar] =
      (0..<0x20).map { UnicodeScalar(UInt8($0)) } + ["\"", "\\", "/", "é", "€", "😀", "𝑥"]
      + Array(repeating: "a", count: 40)
    for _ in 0..<2_000 {
      var s = ""
      for _ in 0..<Int(rng.next() % 40) {
        s.unicodeScalars.append(pool[Int(rng.next() % UInt64(pool.count))])
      }
      let bytes = Self.written(s)
      #expect(bytes == Self.referenceEscaped(s), "\(s.debugDescription)")
      #expect(try Self.readBack(bytes) == s, "\(s.debugDescription)")
    }
  }

  @Test func badBytesInsideAStringAreFoundAtEveryOffset() {
    for offset in 0...17 {
      let pad = Array(repeating: UInt8(ascii: "a"), count: offset)
      // Column: the quote is column 1, the first pad byte column 2.
      let column = offset + 2
      #expect(
        throws: JSONParseError(line: 1, column: column, reason: "invalid UTF-8 in a string")
      ) { try JSONValue.parse([0x22] + pad + [0xFF] + pad + [0x22]) }
      #expect(
        throws: JSONParseError(line: 1, column: column, reason: "invalid UTF-8 in a string")
      ) { try JSONValue.parse([0x22] + pad + [0xE2, 0x82] + [0x22]) }
      #expect(
        throws: JSONParseError(
          line: 1, column: column, reason: "control character inside a string")
      ) { try JSONValue.parse([0x22] + pad + [0x0A] + pad + [0x22]) }
      #expect(
        throws: JSONParseError(line: 1, column: column, reason: "unterminated string")
      ) { try JSONValue.parse([0x22] + pad) }
    }
  }
}
