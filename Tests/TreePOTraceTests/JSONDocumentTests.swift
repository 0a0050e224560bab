import Testing
import TreePOTrace

// The tape parser under the trace reader and JSONValue: exact numbers, key order, UTF-8 checked
// where it is wrong, and the writer's three layouts.

@Suite struct JSONDocumentTests {
  @Test func floatsReadBackBitForBitFromTheirShortestText() throws {
    // Floats whose shortest text rounds differently through Double are the risk of a Double path.
    var rng = SeededRandom(seed: 3)
    for _ in 0..<20_000 {
      let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
      guard f.isFinite else { continue }
      var w = JSONWriter()
      w.beginArray()
      w.value(f)
      w.endArray()
      let document = try JSONDocument(parsing: w.bytes[...])
      let read = try #require(document.float(document.root + 1))
      #expect(read.bitPattern == f.bitPattern, "\(f)")
    }
  }

  @Test func numbersKeepTheirExactText() throws {
    let d = try JSONDocument(parsing: Array(#"[18446744073709551615, -0, 1e400, 0.1]"#.utf8)[...])
    let items = Array(d.children(d.root))
    #expect(d.int(items[0]) == nil)
    #expect(d.numberText(items[0]) == "18446744073709551615")
    #expect(d.int(items[1]) == 0)
    #expect(d.double(items[2]) == .infinity)
    #expect(d.double(items[3]) == 0.1)
    #expect(try JSONValue.parse("9223372036854775807") == .int(.max))
    #expect(try JSONValue.parse("-9223372036854775808") == .int(.min))
  }

  @Test func objectsKeepKeyOrderAndFirstDuplicateWins() throws {
    let v = try JSONValue.parse(#"{"z": 1, "a": {"k": [true, null]}, "z": 2}"#)
    guard case .object(let members) = v else {
      Issue.record("not an object")
      return
    }
    #expect(members.map(\.0) == ["z", "a", "z"])
    #expect(v["z"] == .int(1))
    #expect(v["a"]?["k"] == .array([.bool(true), .null]))
  }

  @Test(
    arguments: [
      ([0x22, 0xC3, 0x28, 0x22], 2),  // a lead byte without its continuation
      ([0x22, 0xE0, 0x80, 0x80, 0x22], 2),  // overlong
      ([0x22, 0xED, 0xA0, 0x80, 0x22], 2),  // a UTF-16 surrogate in UTF-8
      ([0x22, 0x61, 0xF4, 0x90, 0x80, 0x80, 0x22], 3),  // above U+10FFFF
    ] as [([UInt8], Int)])
  func invalidUTF8IsRefusedAtTheByte(_ bytes: [UInt8], _ column: Int) {
    #expect(throws: JSONParseError(line: 1, column: column, reason: "invalid UTF-8 in a string")) {
      try JSONValue.parse(bytes)
    }
  }

  @Test func writerLayouts() throws {
    let v: JSONValue = .object([("a", .array([.int(1), .double(2)])), ("b", .object([]))])
    #expect(v.serialized(style: .compact) == #"{"a":[1,2.0],"b":{}}"#)
    #expect(v.serialized(style: .spaced) == #"{"a": [1, 2.0], "b": {}}"#)
    #expect(v.serialized(indent: 2) == "{\n  \"a\": [\n    1,\n    2.0\n  ],\n  \"b\": {}\n}")
  }

  @Test func documentIsReusedAcrossLines() throws {
    var d = JSONDocument()
    try d.parse(Array(#"{"kind":"a","n":[1,2,3]}"#.utf8)[...])
    #expect(d.count(try #require(d.member(d.root, "n"))) == 3)
    #expect(throws: JSONParseError.self) { try d.parse(Array("[1,".utf8)[...]) }
    try d.parse(Array(#"{"kind":"b"}"#.utf8)[...])
    #expect(d.string(try #require(d.member(d.root, "kind"))) == "b")
    #expect(d.member(d.root, "n") == nil)
  }
}
