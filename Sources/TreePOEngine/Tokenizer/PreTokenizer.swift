// The pre-tokenizers of byte-level BPE models: text is cut into pieces by a regular expression
// before BPE runs inside each piece. The patterns are hand-written scanners (a regex engine is far
// too slow here); each follows its pattern's alternatives in order, as leftmost-first matching
// does. With L = \p{L}, N = \p{N}, S = \s (Unicode White_Space) and O = anything else:
//   gpt2:   's|'t|'re|'ve|'m|'ll|'d| ?L+| ?N+| ?O+|\s+(?!\S)|\s+
//   llama-bpe (Llama 3):
//           (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\nLN]?L+|N{1,3}| ?O+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//   qwen2:  the same with N instead of N{1,3}
//   smollm: every N on its own first (tokenizers' Digits(individual_digits)), then gpt2 on the rest.

public enum BPEPreTokenizer: String, Sendable, CaseIterable {
  case gpt2
  case llama3 = "llama-bpe"
  case qwen2
  case smollm

  /// The names GGUF files use (`tokenizer.ggml.pre`); "gpt-2" is llama.cpp's spelling.
  public init?(name: String) {
    switch name {
    case "gpt2", "gpt-2": self = .gpt2
    case "llama-bpe", "llama3": self = .llama3
    default: self.init(rawValue: name)
    }
  }

  /// Llama 3 keeps a piece whole when it is a token, even if the merges would not build it.
  var ignoresMergesByDefault: Bool { self == .llama3 }

  /// The Split regex these pre-tokenizers carry in a tokenizer.json (gpt2's is ByteLevel's own).
  static let llama3Pattern =
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
  static let qwen2Pattern =
    #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
  static let gpt2Pattern =
    #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
}

/// Scans valid UTF-8 (it comes from a Swift String) with the class table for the BMP.
struct PieceScanner {
  let p: UnsafePointer<UInt8>
  let bmp: UnsafePointer<UInt8>

  @inline(__always) func scalar(at i: Int) -> (value: UInt32, length: Int) {
    let b0 = UInt32(p[i])
    if b0 < 0x80 { return (b0, 1) }
    if b0 < 0xE0 { return ((b0 & 0x1F) << 6 | UInt32(p[i + 1] & 0x3F), 2) }
    if b0 < 0xF0 {
      return ((b0 & 0x0F) << 12 | UInt32(p[i + 1] & 0x3F) << 6 | UInt32(p[i + 2] & 0x3F), 3)
    }
    let v =
      (b0 & 0x07) << 18 | UInt32(p[i + 1] & 0x3F) << 12 | UInt32(p[i + 2] & 0x3F) << 6
      | UInt32(p[i + 3] & 0x3F)
    return (v, 4)
  }

  @inline(__always) func cls(_ v: UInt32) -> UInt8 {
    v < 0x10000 ? bmp[Int(v)] : ScalarClass.compute(v)
  }

  /// The end of the run of class `k` starting at `i` (at most `limit` scalars).
  @inline(__always) func run(_ k: UInt8, from i: Int, _ end: Int, limit: Int = .max) -> Int {
    var j = i
    var count = 0
    while j < end && count < limit {
      let (c, n) = scalar(at: j)
      if cls(c) != k { break }
      j += n
      count += 1
    }
    return j
  }

  /// `\s+(?!\S)|\s+` at a whitespace scalar `i`: the whole run at the end of the text, else the
  /// run minus its last scalar (which then leads the next piece), else the single scalar.
  @inline(__always) func spaceRun(_ i: Int, _ end: Int) -> Int {
    var j = i
    var lastStart = i
    var count = 0
    while j < end {
      let (c, n) = scalar(at: j)
      if cls(c) != ScalarClass.space { break }
      lastStart = j
      j += n
      count += 1
    }
    if j == end { return j }
    return count >= 2 ? lastStart : j
  }

  @inline(__always) func lower(_ b: UInt8) -> UInt8 { b | 0x20 }

  /// The end of the gpt2 piece that starts at `i`.
  func gpt2(_ i: Int, _ end: Int) -> Int {
    if p[i] == 0x27 && i + 1 < end {  // 's 't 'm 'd 're 've 'll, case-sensitive
      let b1 = p[i + 1]
      if b1 == 0x73 || b1 == 0x74 || b1 == 0x6D || b1 == 0x64 { return i + 2 }
      if i + 2 < end {
        let b2 = p[i + 2]
        if (b1 == 0x72 && b2 == 0x65) || (b1 == 0x76 && b2 == 0x65) || (b1 == 0x6C && b2 == 0x6C) {
          return i + 3
        }
      }
    }
    let (c, n) = scalar(at: i)
    var k = cls(c)
    var j = i + n
    if c == 0x20 && j < end {  // " ?X+": one space joins a following letter/number/other run
      let (c2, n2) = scalar(at: j)
      let k2 = cls(c2)
      if k2 != ScalarClass.space {
        k = k2
        j += n2
      }
    }
    if k != ScalarClass.space { return run(k, from: j, end) }
    return spaceRun(i, end)
  }

  /// The end of the llama-bpe / qwen2 piece that starts at `i` (`maxDigits` 3 or 1).
  func llama3(_ i: Int, _ end: Int, maxDigits: Int) -> Int {
    if p[i] == 0x27 && i + 1 < end {  // the same contractions, case-insensitive
      let b1 = lower(p[i + 1])
      if b1 == 0x73 || b1 == 0x74 || b1 == 0x6D || b1 == 0x64 { return i + 2 }
      if p[i + 1] == 0xC5 && i + 2 < end && p[i + 2] == 0xBF { return i + 3 }  // ſ folds to s
      if i + 2 < end {
        let b2 = lower(p[i + 2])
        if (b1 == 0x72 && b2 == 0x65) || (b1 == 0x76 && b2 == 0x65) || (b1 == 0x6C && b2 == 0x6C) {
          return i + 3
        }
      }
    }
    let (c, n) = scalar(at: i)
    let k = cls(c)
    if k == ScalarClass.letter { return run(ScalarClass.letter, from: i + n, end) }
    if k == ScalarClass.number {
      return run(ScalarClass.number, from: i + n, end, limit: maxDigits - 1)
    }
    var nextClass: UInt8 = 255
    var nextLength = 0
    if i + n < end {
      let (c2, n2) = scalar(at: i + n)
      nextClass = cls(c2)
      nextLength = n2
    }
    // [^\r\nLN]?L+ : any other single scalar (space, tab, punctuation) leads a word.
    if c != 0x0A && c != 0x0D && nextClass == ScalarClass.letter {
      return run(ScalarClass.letter, from: i + n + nextLength, end)
    }
    // " ?O+[\r\n]*"
    if k == ScalarClass.other || (c == 0x20 && nextClass == ScalarClass.other) {
      var j = run(ScalarClass.other, from: k == ScalarClass.other ? i + n : i + n + nextLength, end)
      while j < end && (p[j] == 0x0A || p[j] == 0x0D) { j += 1 }
      return j
    }
    // Whitespace: "\s*[\r\n]+" ends after the run's last line break, if it has one.
    var j = i
    var afterBreak = -1
    while j < end {
      let (c2, n2) = scalar(at: j)
      if cls(c2) != ScalarClass.space { break }
      j += n2
      if c2 == 0x0A || c2 == 0x0D { afterBreak = j }
    }
    if afterBreak > 0 { return afterBreak }
    return spaceRun(i, end)
  }

  /// Calls `body(start, end)` for every piece of `start..<end`, in order.
  @inline(__always)
  func pieces(
    _ kind: BPEPreTokenizer, _ start: Int, _ end: Int, _ body: (Int, Int) -> Void
  ) {
    var i = start
    switch kind {
    case .gpt2:
      while i < end {
        let j = gpt2(i, end)
        body(i, j)
        i = j
      }
    case .llama3, .qwen2:
      let maxDigits = kind == .llama3 ? 3 : 1
      while i < end {
        let j = llama3(i, end, maxDigits: maxDigits)
        body(i, j)
        i = j
      }
    case .smollm:
      // Each number scalar alone; the stretches between them are separate texts for gpt2.
      while i < end {
        let (c, n) = scalar(at: i)
        if cls(c) == ScalarClass.number {
          body(i, i + n)
          i += n
          continue
        }
        var stretchEnd = i + n
        while stretchEnd < end {
          let (c2, n2) = scalar(at: stretchEnd)
          if cls(c2) == ScalarClass.number { break }
          stretchEnd += n2
        }
        while i < stretchEnd {
          let j = gpt2(i, stretchEnd)
          body(i, j)
          i = j
        }
      }
    }
  }
}
