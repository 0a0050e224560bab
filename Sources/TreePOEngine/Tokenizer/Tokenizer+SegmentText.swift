// A segment's text when a reply is decoded in pieces (the tree's segments): byte-level tokens can
// cut a character in two, and decoding each segment alone would show two replacement characters
// where the whole reply has one real character. Here a character cut by a segment's end is held
// back and shown with the segment that completes it, so the segments of a path joined are exactly
// `decode` of its response.

extension Tokenizer {
  /// The text `segment` adds to a response whose earlier tokens end with `before` (the last few
  /// tokens are enough: a cut character has at most 3 bytes before the cut). Unless `final`, bytes
  /// of a character that the segment leaves unfinished wait for the next segment.
  public func segmentText(_ segment: [Int], after before: [Int], final: Bool) -> String {
    var stream = StreamingDecoder(self)
    // Replays the tail so that the stream holds what the previous segment held back.
    for id in before { _ = stream.push(id) }
    var text = ""
    for id in segment { text += stream.push(id) }
    if final { text += stream.finish() }
    return text
  }

  /// Each token's own text for display, or nil when the vocabulary is characters (the text then
  /// lines up with the tokens by itself).
  public func tokenTexts(_ tokens: [Int]) -> [String]? {
    self is CharTokenizer ? nil : tokens.map(tokenText)
  }
}
