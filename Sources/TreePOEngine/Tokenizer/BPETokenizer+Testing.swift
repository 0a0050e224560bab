// Test hook: the pre-tokenizer's pieces alone, to pin each scanner against the tokenizers
// library's regex even where a small vocabulary would hide a wrong cut in the ids.

import Foundation

extension BPETokenizer {
  /// UTF-8 lengths of the pieces of `text` (normalised if the tokenizer normalises), with no
  /// added-token matching.
  package func pieceLengths(_ text: String) -> [Int] {
    var bytes = Array(normalizesNFC ? text.precomposedStringWithCanonicalMapping.utf8 : text.utf8)
    var lengths: [Int] = []
    let kind = preTokenizer
    bytes.withUnsafeMutableBufferPointer { buffer in
      guard let p = buffer.baseAddress else { return }
      ScalarClass.bmp.withUnsafeBufferPointer { bmp in
        PieceScanner(p: p, bmp: bmp.baseAddress!).pieces(kind, 0, buffer.count) { s, e in
          lengths.append(e - s)
        }
      }
    }
    return lengths
  }
}
