// GPT-2's byte-level alphabet and the Unicode classes the pre-tokenizer patterns test.
// Byte-level BPE vocabularies spell every byte as a printable character (space is "Ġ", newline
// "Ċ"), so that tokens are strings; `ByteLevel` maps between the two spellings.

enum ByteLevel {
  /// The character standing for each byte: printable Latin-1 bytes stand for themselves, the
  /// other 68 are numbered from U+0100 upwards in byte order (GPT-2's `bytes_to_unicode`).
  static let byteToScalar: [UInt32] = {
    var table = [UInt32](repeating: 0, count: 256)
    var next: UInt32 = 256
    for b in 0..<256 {
      let printable =
        (0x21...0x7E).contains(b) || (0xA1...0xAC).contains(b) || (0xAE...0xFF).contains(b)
      if printable {
        table[b] = UInt32(b)
      } else {
        table[b] = next
        next += 1
      }
    }
    return table
  }()

  /// The inverse: scalar value (< 0x144) to byte, or -1.
  static let scalarToByte: [Int16] = {
    var table = [Int16](repeating: -1, count: 0x144)
    for (b, s) in byteToScalar.enumerated() { table[Int(s)] = Int16(b) }
    return table
  }()

  /// The byte-level spelling of raw bytes (what a vocabulary stores).
  static func spelling(of bytes: some Sequence<UInt8>) -> String {
    var s = String.UnicodeScalarView()
    for b in bytes { s.append(Unicode.Scalar(byteToScalar[Int(b)])!) }
    return String(s)
  }

  /// The bytes a vocabulary spelling stands for; nil when a character is outside the alphabet
  /// (added tokens such as "<|im_start|>" are then taken as their own UTF-8).
  static func bytes(ofSpelling token: String) -> [UInt8]? {
    var out: [UInt8] = []
    out.reserveCapacity(token.utf8.count)
    for s in token.unicodeScalars {
      guard s.value < 0x144, case let b = scalarToByte[Int(s.value)], b >= 0 else { return nil }
      out.append(UInt8(b))
    }
    return out
  }
}

/// The classes `\p{L}`, `\p{N}` and `\s` (Unicode White_Space, as Oniguruma's `\s`), one byte per
/// scalar; everything else is "other" (`[^\s\p{L}\p{N}]`).
enum ScalarClass {
  static let other: UInt8 = 0
  static let letter: UInt8 = 1
  static let number: UInt8 = 2
  static let space: UInt8 = 3

  static func compute(_ v: UInt32) -> UInt8 {
    guard let s = Unicode.Scalar(v) else { return other }
    let p = s.properties
    if p.isWhitespace { return space }
    switch p.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
      return letter
    case .decimalNumber, .letterNumber, .otherNumber:
      return number
    default:
      return other
    }
  }

  /// The Basic Multilingual Plane, precomputed once (64 KiB); astral scalars are computed on use.
  static let bmp: [UInt8] = (0..<0x10000).map { compute(UInt32($0)) }
}
