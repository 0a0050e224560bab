import Testing

@testable import TreePOTrace

// `JSONDocument.double` reads short decimals (scores like 0.75) without strtod; whatever path it
// takes, the value is the correctly rounded one that `Double(String)` gives.

@Suite struct JSONNumberFastPathTests {
  @Test func shortDecimalsReadAsDoubleOfTheirText() throws {
    var rng = SeededRandom(seed: 5)
    var texts = [
      "0.0", "1.0", "-0.0", "0.1", "0.3", "123456789012345", "1234567890.12345",
      "1234567890.123456", "0.000000000000001", "-7.25", "9007199254740993", "1e3", "2.5E-3",
    ]
    for _ in 0..<5000 {
      let whole = String(rng.nextInt(1_000_000))
      let fraction = String(rng.next() % 10_000_000_000).prefix(1 + rng.nextInt(10))
      texts.append((rng.nextInt(2) == 0 ? "-" : "") + whole + "." + fraction)
    }
    for text in texts {
      let document = try JSONDocument(parsing: Array("[\(text)]".utf8)[...])
      let value = try #require(document.double(1))
      let expected = try #require(Double(text))
      #expect(value.bitPattern == expected.bitPattern, "\(text): \(value) vs \(expected)")
    }
  }
}
