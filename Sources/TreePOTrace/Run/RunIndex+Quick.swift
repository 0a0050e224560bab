import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The scan's reading of a line as treepo (and the verl hook) write it — `{"kind":"…","prompt":P,
// "node":N,…}` — without a full parse: its kind, prompt and node, a spawn's parent, a segment's
// token count (its text's length when it has no ids), an end's outcome and reward. Reading them is
// also the scan's check of the line: a known kind, numbers that parse, a whole object (it ends in
// `}`), a segment's id array and text string closed. A line in another shape gets the full parse.
// In valid JSON a quote inside a string is escaped, so `"outcome":"` and `"reward":` found in a
// line can only be keys.

/// What the scan needs of one line.
struct LineFacts {
  enum Kind: UInt8 {
    case rolloutStarted, nodeSpawned, segmentDecoded, nodeEnded, fallback, roundFinished
    case advantagesAssigned, trainStep, checkpointSaved

    static let names: [String] = TreeEvent.knownKinds
    var name: String { Self.names[Int(rawValue)] }
    /// The kinds whose lines belong to one prompt (they carry `prompt`).
    var ofPrompt: Bool {
      self == .nodeSpawned || self == .segmentDecoded || self == .nodeEnded
        || self == .fallback
    }
  }
  var kind: Kind
  var prompt = 0
  var node = 0
  var parent: Int?
  var tokens = 0
  var textBytes = 0
  var ended: NodeEnded?
}

extension RunIndex {
  static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: [UInt8]) -> Bool {
    line.count >= prefix.count && memcmp(line.baseAddress!, prefix, prefix.count) == 0
  }

  private static let kindPrefix = Array("{\"kind\":\"".utf8)
  private static let kindNames = TreeEvent.knownKinds.map { Array($0.utf8) }

  /// The line's kind as treepo writes it first; nil when the line does not start that way.
  static func quickKind(_ line: UnsafeBufferPointer<UInt8>) -> (LineFacts.Kind, Int)? {
    guard starts(line, with: kindPrefix) else { return nil }
    let from = kindPrefix.count
    for (i, name) in kindNames.enumerated()
    where line.count > from + name.count && line[from + name.count] == 0x22
      && memcmp(line.baseAddress! + from, name, name.count) == 0
    {
      return (LineFacts.Kind(rawValue: UInt8(i))!, from + name.count + 1)
    }
    return nil
  }

  /// The facts of a line in treepo's own layout (the caller trimmed trailing blanks); nil when
  /// the line is in another shape or is damaged (the full parse then decides which).
  static func quickFacts(_ line: UnsafeBufferPointer<UInt8>) -> LineFacts? {
    guard let (kind, after) = quickKind(line), line.last == 0x7D else { return nil }
    var facts = LineFacts(kind: kind)
    guard kind.ofPrompt else { return facts }
    var c = LineCursor(line: line, at: after)
    guard c.expect(",\"prompt\":"), let prompt = c.int() else { return nil }
    facts.prompt = prompt
    if kind == .fallback { return facts }
    guard c.expect(",\"node\":"), let node = c.int() else { return nil }
    facts.node = node
    switch kind {
    case .nodeSpawned:
      if c.expect(",\"parent\":") {
        guard let parent = c.int() else { return nil }
        facts.parent = parent
      }
    case .segmentDecoded:
      guard c.expect(",\"tokenIds\":["), let tokens = c.intArrayCount(),
        c.expect(",\"text\":\""), let text = c.stringLength()
      else { return nil }
      facts.tokens = tokens
      facts.textBytes = text
    case .nodeEnded:
      guard var ended = c.nodeEndedTail() ?? quickNodeEnded(line) else { return nil }
      ended.prompt = prompt
      ended.node = node
      facts.ended = ended
    default: break
    }
    return facts
  }

  /// The facts of a fully parsed event (a line in another layout than treepo's).
  static func facts(of event: TreeEvent) -> LineFacts {
    switch event {
    case .rolloutStarted: return LineFacts(kind: .rolloutStarted)
    case .nodeSpawned(let e):
      return LineFacts(kind: .nodeSpawned, prompt: e.prompt, node: e.node, parent: e.parent)
    case .segmentDecoded(let e):
      return LineFacts(
        kind: .segmentDecoded, prompt: e.prompt, node: e.node, tokens: e.tokenIds.count,
        textBytes: e.text.utf8.count)
    case .nodeEnded(let e):
      return LineFacts(kind: .nodeEnded, prompt: e.prompt, node: e.node, ended: e)
    case .fallback(let e): return LineFacts(kind: .fallback, prompt: e.prompt)
    case .roundFinished: return LineFacts(kind: .roundFinished)
    case .advantagesAssigned: return LineFacts(kind: .advantagesAssigned)
    case .trainStep: return LineFacts(kind: .trainStep)
    case .checkpointSaved: return LineFacts(kind: .checkpointSaved)
    }
  }

  private static let outcomeKey = Array("\"outcome\":\"".utf8)
  private static let rewardKey = Array("\"reward\":".utf8)

  /// The outcome and reward of a `node_ended` line; nil when the line is not in the expected shape.
  static func quickNodeEnded(_ line: UnsafeBufferPointer<UInt8>) -> NodeEnded? {
    guard let o = find(outcomeKey, in: line) else { return nil }
    let from = o + outcomeKey.count
    guard let close = line[from...].firstIndex(of: 0x22),
      let outcome = NodeOutcome(rawValue: String(decoding: line[from..<close], as: UTF8.self))
    else { return nil }
    var reward: Float?
    if let r = find(rewardKey, in: line) {
      let start = r + rewardKey.count
      let stop = line[start...].firstIndex { $0 == 0x2C || $0 == 0x7D } ?? line.count
      let text = String(decoding: line[start..<stop], as: UTF8.self)
      // Non-finite rewards are written as strings ("nan"): not a score.
      guard let value = text.first == "\"" ? Float.nan : Float(text) else { return nil }
      reward = value
    }
    return NodeEnded(prompt: 0, node: 0, outcome: outcome, reason: "", reward: reward)
  }

  private static func find(_ needle: [UInt8], in line: UnsafeBufferPointer<UInt8>) -> Int? {
    guard line.count >= needle.count else { return nil }
    let base = UnsafeRawPointer(line.baseAddress!)
    let last = line.count - needle.count
    var at = 0
    while at <= last {
      guard let p = memchr(base + at, Int32(needle[0]), last - at + 1) else { return nil }
      at = base.distance(to: UnsafeRawPointer(p))
      if memcmp(base + at, needle, needle.count) == 0 { return at }
      at += 1
    }
    return nil
  }
}

/// Reads a line left to right, each read checking what it passes.
struct LineCursor {
  let line: UnsafeBufferPointer<UInt8>
  var at: Int

  mutating func expect(_ text: StaticString) -> Bool {
    let n = text.utf8CodeUnitCount
    guard line.count - at >= n, memcmp(line.baseAddress! + at, text.utf8Start, n) == 0 else {
      return false
    }
    at += n
    return true
  }

  /// A `node_ended`'s outcome and reward in the writer's order (`,"outcome":"…","reason":"…"`,
  /// then `,"reward":…` when scored); nil when the line goes otherwise.
  mutating func nodeEndedTail() -> NodeEnded? {
    guard expect(",\"outcome\":\""), let close = line[at...].firstIndex(of: 0x22),
      let outcome = NodeOutcome(rawValue: String(decoding: line[at..<close], as: UTF8.self))
    else { return nil }
    at = close + 1
    guard expect(",\"reason\":\""), stringLength() != nil else { return nil }
    var reward: Float?
    if expect(",\"reward\":") {
      let stop = line[at...].firstIndex { $0 == 0x2C || $0 == 0x7D } ?? line.count
      // Non-finite rewards are written as strings ("nan"): not a score.
      guard stop > at,
        let value = line[at] == 0x22
          ? Float.nan : Float(String(decoding: line[at..<stop], as: UTF8.self))
      else { return nil }
      reward = value
      at = stop
    }
    return NodeEnded(prompt: 0, node: 0, outcome: outcome, reason: "", reward: reward)
  }

  /// An integer of at most 18 digits (so it cannot overflow), optionally negative.
  mutating func int() -> Int? {
    var negative = false
    if at < line.count, line[at] == 0x2D {
      negative = true
      at += 1
    }
    var value = 0
    let start = at
    while at < line.count, line[at] >= 0x30, line[at] <= 0x39, at - start < 18 {
      value = value * 10 + Int(line[at] - 0x30)
      at += 1
    }
    guard at > start, at >= line.count || !(line[at] >= 0x30 && line[at] <= 0x39) else {
      return nil
    }
    return negative ? -value : value
  }

  /// The elements of an array of integers whose `[` was read: counted, each checked to be digits
  /// (with a leading `-`), the `]` read.
  mutating func intArrayCount() -> Int? {
    if at < line.count, line[at] == 0x5D {
      at += 1
      return 0
    }
    var count = 0
    while true {
      guard int() != nil, at < line.count else { return nil }
      count += 1
      let b = line[at]
      at += 1
      if b == 0x5D { return count }
      guard b == 0x2C else { return nil }
    }
  }

  /// The UTF-8 length of a string whose opening quote was read, once unescaped; reads its closing
  /// quote. Nil for a bad escape or a string that does not close. `memchr` finds the next quote
  /// once, and the backslashes before it (found again only when an escape swallowed it).
  mutating func stringLength() -> Int? {
    let base = UnsafeRawPointer(line.baseAddress!)
    var length = 0
    var quote = -1
    while at < line.count {
      if quote < at {
        guard let q = memchr(base + at, 0x22, line.count - at) else { return nil }
        quote = base.distance(to: UnsafeRawPointer(q))
      }
      guard let s = memchr(base + at, 0x5C, quote - at) else {
        length += quote - at
        at = quote + 1
        return length
      }
      let slash = base.distance(to: UnsafeRawPointer(s))
      length += slash - at
      guard slash + 1 < line.count else { return nil }
      switch line[slash + 1] {
      case 0x75:  // \uXXXX: one UTF-16 unit; a surrogate pair's two escapes make 4 bytes
        guard slash + 6 <= line.count,
          let unit = UInt32(
            String(decoding: line[(slash + 2)..<(slash + 6)], as: UTF8.self), radix: 16)
        else { return nil }
        length +=
          unit < 0x80
          ? 1
          : unit < 0x800
            ? 2
            : (0xD800..<0xDC00).contains(unit) ? 4 : (0xDC00..<0xE000).contains(unit) ? 0 : 3
        at = slash + 6
      case 0x22, 0x5C, 0x2F, 0x62, 0x66, 0x6E, 0x72, 0x74:
        length += 1
        at = slash + 2
      default: return nil
      }
    }
    return nil
  }
}
