import Testing

@testable import TreePOTrace

// The scanner skips plain ASCII a word at a time and checks the usual two- and three-byte UTF-8
// sequences inline (the rest in utf8Sequence). On random strings of valid and broken UTF-8 it must
// accept exactly the valid ones (Swift's own UTF-8 validation decides) and read them back as they
// were, wherever the words happen to fall.

@Suite struct JSONStringScanTests {
  static let pieces: [[UInt8]] = [
    Array("a".utf8), Array("plain text".utf8), Array("é".utf8), Array("∑".utf8), Array("²".utf8),
    Array("😀".utf8), Array("\u{800}".utf8), Array("\u{D7FF}".utf8), Array("\u{FFFD}".utf8),
    Array("\\n".utf8), Array("\\\"".utf8), Array("\\u00e9".utf8),
    [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xF4, 0x8F, 0xBF, 0xBF],  // edges, valid
    [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xC0, 0x80], [0xC1, 0xBF],  // overlong, surrogate
    [0x80], [0xBF], [0xC3], [0xE2, 0x88], [0xF0, 0x9F, 0x98], [0xF5, 0x80, 0x80, 0x80], [0xFF],
    [0xC3, 0x41], [0xE2, 0x41, 0x91], [0x01],
  ]

  @Test func acceptsExactlyValidUTF8WhereverWordsFall() throws {
    var rng = SeededRandom(seed: 17)
    var accepted = 0
    for _ in 0..<20_000 {
      var body: [UInt8] = []
      for _ in 0..<rng.nextInt(12) {
        let p = Self.pieces[rng.nextInt(Self.pieces.count)]
        // Mostly valid pieces, so long valid strings are common.
        if rng.nextInt(4) == 0 || String(validating: p, as: UTF8.self) != nil { body += p }
      }
      let valid = String(validating: body, as: UTF8.self) != nil && !body.contains { $0 < 0x20 }
      let text: [UInt8] = Array("[\"".utf8) + body + Array("\"]".utf8)
      let document = try? JSONDocument(parsing: text[...])
      #expect((document != nil) == valid, "\(body)")
      if let document, valid {
        accepted += 1
        let expected = String(decoding: body, as: UTF8.self)
          .replacingOccurrences(of: "\\u00e9", with: "é")
          .replacingOccurrences(of: "\\\"", with: "\"")
          .replacingOccurrences(of: "\\n", with: "\n")
        #expect(document.string(1) == expected, "\(body)")
      }
    }
    #expect(accepted > 5000)
  }
}
