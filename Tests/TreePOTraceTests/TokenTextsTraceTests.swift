import Testing
import TreePOTrace

// `tokenTexts`, the optional per-token display text of a BPE segment: written and read back when
// present, absent from the line when nil (character models' traces stay as they were), and a
// wrong type is a bad line.

@Test func tokenTextsRoundTripAndStayOutWhenNil() throws {
  let bpe = SegmentDecoded(
    prompt: 0, node: 1, tokenIds: [7, 8, 9], text: "Hi ⏎€", logprobs: [-0.1, -0.2, -0.3],
    entropies: [0.5, 0.6, 0.7], tokenTexts: ["Hi", " \\xE2\\x82", "\\xAC\n"])
  let line = TreeEvent.segmentDecoded(bpe).jsonLine()
  #expect(try TreeEvent.parse(line: line.dropLast()[...]) == .segmentDecoded(bpe))
  var plain = bpe
  plain.tokenTexts = nil
  let plainLine = String(decoding: TreeEvent.segmentDecoded(plain).jsonLine(), as: UTF8.self)
  #expect(!plainLine.contains("tokenTexts"))
  #expect(
    try TreeEvent.parse(line: Array(plainLine.utf8.dropLast())[...]) == .segmentDecoded(plain))
  let bad = plainLine.replacingOccurrences(of: "}\n", with: ",\"tokenTexts\":[1]}")
  #expect(throws: (any Error).self) { try TreeEvent.parse(line: Array(bad.utf8)[...]) }
}
