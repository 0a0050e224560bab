// Decoding: ids → bytes → text. Bytes that are not valid UTF-8 (a sequence cut by the end of the
// ids) become U+FFFD, as the tokenizers library's lossy decode does.

extension BPETokenizer {
  public func decode(_ tokens: [Int]) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(tokens.count * 4)
    for id in tokens where id >= 0 && id < vocabSize {
      bytes += tokenStorage[Int(tokenOffsets[id])..<Int(tokenOffsets[id + 1])]
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The token's text for display: valid UTF-8 as text, other bytes as `\xNN`.
  public func tokenText(_ id: Int) -> String {
    guard id >= 0 && id < vocabSize else { return "<id \(id)>" }
    return Self.escapingInvalidUTF8(tokenBytes(id))
  }

  static func escapingInvalidUTF8(_ bytes: [UInt8]) -> String {
    var out = ""
    var i = 0
    while i < bytes.count {
      let n = UTF8Sequence.validLength(bytes, at: i)
      if n > 0 {
        out += String(decoding: bytes[i..<i + n], as: UTF8.self)
        i += n
      } else {
        out += "\\x" + (bytes[i] < 16 ? "0" : "") + String(bytes[i], radix: 16, uppercase: true)
        i += 1
      }
    }
    return out
  }
}

enum UTF8Sequence {
  /// The length a lead byte announces (0 for a continuation or invalid byte).
  @inline(__always) static func expectedLength(_ b: UInt8) -> Int {
    switch b {
    case 0x00...0x7F: 1
    case 0xC2...0xDF: 2
    case 0xE0...0xEF: 3
    case 0xF0...0xF4: 4
    default: 0
    }
  }

  /// The allowed range of the byte after a lead byte (excludes overlongs and surrogates).
  @inline(__always) static func secondByteRange(_ lead: UInt8) -> ClosedRange<UInt8> {
    switch lead {
    case 0xE0: 0xA0...0xBF
    case 0xED: 0x80...0x9F
    case 0xF0: 0x90...0xBF
    case 0xF4: 0x80...0x8F
    default: 0x80...0xBF
    }
  }

  /// How many of `bytes[i...]` (up to the expected length) form a valid prefix of a sequence.
  static func validPrefix(_ bytes: [UInt8], at i: Int) -> Int {
    let n = expectedLength(bytes[i])
    if n == 0 { return 0 }
    var k = 1
    while k < n && i + k < bytes.count {
      let b = bytes[i + k]
      let ok = k == 1 ? secondByteRange(bytes[i]).contains(b) : (0x80...0xBF).contains(b)
      if !ok { break }
      k += 1
    }
    return k
  }

  /// The length of the complete valid sequence at `i`, or 0.
  static func validLength(_ bytes: [UInt8], at i: Int) -> Int {
    let n = expectedLength(bytes[i])
    return n > 0 && validPrefix(bytes, at: i) == n ? n : 0
  }
}

/// Turns ids into text as they are generated: a token that ends inside a UTF-8 sequence (a byte
/// of an emoji, say) keeps those bytes back until the sequence is complete, so a streaming view
/// never prints a replacement character that the whole decode would not print.
public struct StreamingDecoder: Sendable {
  private let tokenizer: any Tokenizer
  private var pending: [UInt8] = []

  public init(_ tokenizer: any Tokenizer) { self.tokenizer = tokenizer }

  /// The text that `id` completes (possibly empty).
  public mutating func push(_ id: Int) -> String {
    pending += tokenizer.tokenBytes(id)
    // Hold back a trailing valid-but-incomplete sequence; everything before it is final.
    var cut = pending.count
    var i = max(0, pending.count - 3)
    while i < pending.count {
      let n = UTF8Sequence.expectedLength(pending[i])
      if n > 1 && i + n > pending.count
        && UTF8Sequence.validPrefix(pending, at: i) == pending.count - i
      {
        cut = i
        break
      }
      i += 1
    }
    let text = String(decoding: pending[..<cut], as: UTF8.self)
    pending.removeFirst(cut)
    return text
  }

  /// Whatever is still held (an incomplete sequence at the very end becomes U+FFFD).
  public mutating func finish() -> String {
    defer { pending = [] }
    return String(decoding: pending, as: UTF8.self)
  }
}
