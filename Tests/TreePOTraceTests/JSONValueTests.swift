import Testing
import TreePOTrace

// The JSON reader behind config.json, tokenizer.json and safetensors headers: types stay apart,
// escapes decode, and errors point at the line and column.

@Suite struct CheckpointJSONTests {
  @Test func keepsIntegersFloatsAndBooleansApart() throws {
    let v = try JSONValue.parse(#"{"a": 3, "b": 3.0, "c": 1e-05, "d": true, "e": null, "f": -0}"#)
    #expect(v["a"] == .int(3))
    #expect(v["b"] == .double(3))
    #expect(v["c"] == .double(1e-5))
    #expect(v["d"] == .bool(true))
    #expect(v["e"] == .null)
    #expect(v["f"] == .int(0))
    #expect(v["missing"] == nil)
  }

  @Test func decodesEscapesAndSurrogatePairs() throws {
    let v = try JSONValue.parse(#"["a\"b\\c\/d\n\t", "\u00e9\ud83d\ude00", "é😀"]"#)
    #expect(v == .array([.string("a\"b\\c/d\n\t"), .string("é😀"), .string("é😀")]))
  }

  @Test func writesWhatItReads() throws {
    let v: JSONValue = .object([
      ("z", .array([.int(1), .double(0.5), .double(10000), .string("\u{1}\"\\")])),
      ("a", .object([])), ("m", .array([])), ("n", .null), ("b", .bool(false)),
    ])
    #expect(try JSONValue.parse(v.serialized()) == v)
    #expect(try JSONValue.parse(v.serialized(indent: nil)) == v)
    #expect(
      v.serialized(indent: nil)
        == #"{"z":[1,0.5,10000.0,"\u0001\"\\"],"a":{},"m":[],"n":null,"b":false}"#)
  }

  @Test(arguments: [
    ("{\"a\": 1,}", "line 1, column 9: expected a string key"),
    ("[1, 2\n, 3", "line 2, column 4: expected ',' or ']' in an array"),
    ("{\"é\": tru}", "line 1, column 10: invalid literal, expected 'true'"),
    ("\"abc", "line 1, column 5: unterminated string"),
    ("01", "line 1, column 3: leading zeros in a number"),
    ("{} x", "line 1, column 4: unexpected text after the value"),
    ("\"\\ud83d\"", "line 1, column 8: unpaired UTF-16 surrogate"),
  ])
  func pointsAtTheError(_ text: String, _ message: String) {
    do {
      _ = try JSONValue.parse(text)
      Issue.record("\(text) parsed")
    } catch {
      #expect(error.description == message)
    }
  }
}
