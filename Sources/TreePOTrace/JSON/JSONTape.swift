// The parser for callers that hold their bytes in memory of their own (the importer reads a whole
// step file into one buffer): the same scanner and the same value converters as JSONDocument,
// without an ArraySlice per line.

/// The one parser's tape over bytes the caller keeps alive and in place (the importer's step
/// buffer): a line is scanned where it lies, with no ArraySlice kept per line. Values are read with
/// the same converters as `JSONDocument` (`JSONDocument.int(_:in:)`, `double`, `unescape`).
package struct JSONTape {
  package private(set) var tokens: [JSONToken] = []
  /// The scanner's stack of open containers, kept from text to text (no allocation per line).
  private var open: [Int] = []

  package init() {}

  /// Scans `bytes` (one JSON text, surrounding whitespace allowed); token offsets are relative to
  /// `bytes.baseAddress`.
  package mutating func parse(
    _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = JSONDocument.defaultMaxDepth
  ) throws(JSONParseError) {
    try JSONDocument.scan(bytes, maxDepth: maxDepth, into: &tokens, open: &open)
  }
}

extension JSONToken {
  /// Strings: has a backslash escape. Numbers: has no fraction or exponent.
  package var isEscapedOrInteger: Bool { flag }
  /// Scalars: offset of the first byte (strings: after the quote). Containers: member count.
  package var first: Int { Int(start) }
  /// Scalars: offset one past the last byte (strings: at the quote). Containers: the index of the
  /// token after the last descendant.
  package var last: Int { Int(end) }
}
