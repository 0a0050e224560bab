// The one JSON parser (trace lines, config.json, tokenizer.json, safetensors headers). It checks a
// text in one pass without recursion and records a flat "tape" of tokens: byte ranges into the
// text, containers knowing where they end. Values are read from the tape on demand, so a trace
// reader pulls the fields it needs without building a tree, numbers keep their exact text until a
// caller asks for Int, Float or Double, and `JSONValue` (an ordered tree) is built from the same
// tape. Nesting is limited (`maxDepth`), so a hostile file cannot exhaust memory or stack through
// depth, and the tape of a text is at most half as many tokens as it has bytes.

public struct JSONToken: Sendable, Equatable {
  public enum Kind: UInt8, Sendable {
    case null, `false`, `true`, number, string, array, object
  }
  public var kind: Kind
  /// Strings: has a backslash escape. Numbers: has no fraction or exponent.
  var flag: Bool
  /// Scalars: byte offset of the first byte (strings: after the quote). Containers: member count
  /// (object: key/value pairs).
  var start: UInt32
  /// Scalars: byte offset one past the last byte (strings: at the closing quote). Containers:
  /// index of the token after the last descendant.
  var end: UInt32
}

/// A parsed JSON text: the bytes and their tape. Token 0 is the top-level value.
public struct JSONDocument: Sendable {
  public internal(set) var bytes: ArraySlice<UInt8> = []
  public internal(set) var tokens: [JSONToken] = []

  public init() {}

  /// Parses `bytes` (surrounding whitespace allowed), throwing at the first error.
  public init(parsing bytes: ArraySlice<UInt8>, maxDepth: Int = JSONDocument.defaultMaxDepth)
    throws(JSONParseError)
  {
    try parse(bytes, maxDepth: maxDepth)
  }

  public static let defaultMaxDepth = 64

  /// Parses `bytes` into this document, reusing its token storage (the trace reader's hot path).
  public mutating func parse(
    _ bytes: ArraySlice<UInt8>, maxDepth: Int = JSONDocument.defaultMaxDepth
  ) throws(JSONParseError) {
    self.bytes = bytes
    var reused: [JSONToken] = []
    swap(&reused, &tokens)
    defer { swap(&reused, &tokens) }
    try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
      try Self.scan(buffer, maxDepth: maxDepth, into: &reused)
    }
  }

  /// The scan behind every parse: `tokens` is emptied and refilled (its storage reused); on an
  /// error it is left empty.
  static func scan(
    _ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, into tokens: inout [JSONToken]
  ) throws(JSONParseError) {
    var open: [Int] = []
    try scan(buffer, maxDepth: maxDepth, into: &tokens, open: &open)
  }

  /// `open`: the scanner's stack of open containers, kept by a caller that scans many texts.
  static func scan(
    _ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, into tokens: inout [JSONToken],
    open: inout [Int]
  ) throws(JSONParseError) {
    tokens.removeAll(keepingCapacity: true)
    open.removeAll(keepingCapacity: true)
    guard buffer.count < Int(UInt32.max) else {
      throw JSONParseError(line: 1, column: 1, reason: "text longer than 4 GiB")
    }
    var reused: [JSONToken] = []
    swap(&reused, &tokens)
    var reusedOpen: [Int] = []
    swap(&reusedOpen, &open)
    var scanner = JSONScanner(bytes: buffer, maxDepth: maxDepth, tokens: reused, open: reusedOpen)
    defer { open = scanner.open }
    do throws(ScanError) {
      try scanner.scan()
      tokens = scanner.tokens
    } catch {
      tokens = scanner.tokens
      tokens.removeAll(keepingCapacity: true)
      throw JSONParseError(in: buffer, at: scanner.i, reason: error.reason)
    }
  }
}

/// What went wrong and where; `line` and `column` are 1-based (columns count characters).
public struct JSONParseError: Error, Equatable, CustomStringConvertible {
  public let line: Int
  public let column: Int
  public let reason: String
  public var description: String { "line \(line), column \(column): \(reason)" }

  public init(line: Int, column: Int, reason: String) {
    self.line = line
    self.column = column
    self.reason = reason
  }

  init(in bytes: UnsafeBufferPointer<UInt8>, at offset: Int, reason: String) {
    var line = 1
    var column = 1
    for b in bytes.prefix(offset) {
      if b == UInt8(ascii: "\n") {
        line += 1
        column = 1
      } else if b & 0xC0 != 0x80 {  // count characters, not UTF-8 continuation bytes
        column += 1
      }
    }
    self.init(line: line, column: column, reason: reason)
  }
}

struct ScanError: Error {
  var reason: String
  init(_ reason: String) { self.reason = reason }
}

/// The scanner proper: a loop over a small state machine with an explicit stack of open
/// containers.
struct JSONScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let maxDepth: Int
  var i = 0
  var tokens: [JSONToken] = []
  private(set) var open: [Int] = []  // token indices of the containers not yet closed

  init(
    bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int, tokens: [JSONToken] = [], open: [Int] = []
  ) {
    self.bytes = bytes
    self.maxDepth = maxDepth
    self.tokens = tokens
    self.open = open
  }

  var current: UInt8? { i < bytes.count ? bytes[i] : nil }

  private mutating func skipSpace() {
    while i < bytes.count {
      let b = bytes[i]
      guard b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 else { return }
      i += 1
    }
  }

  mutating func scan() throws(ScanError) {
    skipSpace()
    var wantValue = true
    while true {
      if wantValue {
        wantValue = try value()
        if wantValue { continue }  // a container opened: its first element comes next
      }
      // After a value (or an opening bracket whose container closed at once).
      skipSpace()
      guard let top = open.last else { break }
      let isObject = tokens[top].kind == .object
      guard let b = current else { throw Self.separatorError(isObject) }
      if b == UInt8(ascii: ",") {
        i += 1
        skipSpace()
        if isObject { try key() }
        wantValue = true
      } else if b == UInt8(ascii: isObject ? "}" : "]") {
        i += 1
        close()
        wantValue = false
      } else {
        throw Self.separatorError(isObject)
      }
    }
    if i < bytes.count { throw ScanError("unexpected text after the value") }
  }

  private static func separatorError(_ isObject: Bool) -> ScanError {
    ScanError(isObject ? "expected ',' or '}' in an object" : "expected ',' or ']' in an array")
  }

  /// Ends the innermost container: it now knows where its tokens stop.
  private mutating func close() {
    let top = open.removeLast()
    tokens[top].end = UInt32(tokens.count)
  }

  /// One value at `i`. An opening bracket leaves its container open — after the first key, for an
  /// object — and returns true: the container's first value comes next. An empty one is closed.
  private mutating func value() throws(ScanError) -> Bool {
    skipSpace()
    guard let b = current else { throw ScanError("unexpected end of input, expected a value") }
    if let top = open.last { tokens[top].start += 1 }
    switch b {
    case UInt8(ascii: "{"), UInt8(ascii: "["):
      guard open.count < maxDepth else { throw ScanError("nesting deeper than \(maxDepth) levels") }
      let isObject = b == UInt8(ascii: "{")
      i += 1
      open.append(tokens.count)
      tokens.append(JSONToken(kind: isObject ? .object : .array, flag: false, start: 0, end: 0))
      skipSpace()
      if current == UInt8(ascii: isObject ? "}" : "]") {
        i += 1
        close()
        return false
      }
      if isObject { try key() }
      return true
    case UInt8(ascii: "\""): try string()
    case UInt8(ascii: "t"): try literal("true", .true)
    case UInt8(ascii: "f"): try literal("false", .false)
    case UInt8(ascii: "n"): try literal("null", .null)
    case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
    default:
      let shown = b < 0x80 ? "'\(Character(Unicode.Scalar(b)))'" : "byte 0x\(String(b, radix: 16))"
      throw ScanError("unexpected character \(shown), expected a value")
    }
    return false
  }

  /// An object key and its colon; the value follows. Keys are not counted as members.
  private mutating func key() throws(ScanError) {
    guard current == UInt8(ascii: "\"") else { throw ScanError("expected a string key") }
    try string()
    skipSpace()
    guard current == UInt8(ascii: ":") else { throw ScanError("expected ':' after a key") }
    i += 1
  }

  private mutating func literal(_ word: StaticString, _ kind: JSONToken.Kind) throws(ScanError) {
    let start = i
    for k in 0..<word.utf8CodeUnitCount {
      guard current == word.utf8Start[k] else {
        throw ScanError("invalid literal, expected '\(word)'")
      }
      i += 1
    }
    tokens.append(JSONToken(kind: kind, flag: false, start: UInt32(start), end: UInt32(i)))
  }
}
