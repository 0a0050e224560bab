// A sample as Strings: what a dump line says, for tests and tools that look at one group (the
// import itself works on spans of its step buffer: `Sample`, Import+Testing.swift converts). Also
// TreePO's path and verl's uid rules, which the line parser applies.

public struct RolloutSample: Sendable, Equatable {
  /// Training step (verl's `global_steps`; the dump file's number).
  public var step: Int
  /// The group the sample was drawn in: verl's `uid` (its `_{session}_{index}` / `#subgroup`
  /// suffixes removed), else the flat format's `group`, else the prompt text.
  public var group: String
  public var prompt: String
  public var promptIds: [Int]
  public var response: String
  /// Response token ids when the line has them (`response_ids`); nil otherwise.
  public var responseIds: [Int]?
  public var score: Float?
  public var advantage: Float?
  /// TreePO's path, e.g. "0/1-0/2-9/4-1"; nil for flat samples.
  public var treeIndex: TreeIndexPath?
  /// Tokens decoded in each of the path's rounds (TreePO's `token_count_per_step`).
  public var tokenCounts: [Int]?
  /// The line of the dump file it came from.
  public var line: Int

  public init(
    step: Int, group: String, prompt: String, promptIds: [Int] = [], response: String,
    responseIds: [Int]? = nil, score: Float? = nil, advantage: Float? = nil,
    treeIndex: TreeIndexPath? = nil, tokenCounts: [Int]? = nil, line: Int = 0
  ) {
    self.step = step
    self.group = group
    self.prompt = prompt
    self.promptIds = promptIds
    self.response = response
    self.responseIds = responseIds
    self.score = score
    self.advantage = advantage
    self.treeIndex = treeIndex
    self.tokenCounts = tokenCounts
    self.line = line
  }
}

/// TreePO's `tree_idx`: the prompt's root number, then one `round-position` per segment
/// ("0/1-0/2-9/4-1": root 0; decoded in round 1 at batch position 0, then round 2 position 9,
/// then round 4 position 1). A fallback truncates the path to the segments it keeps and appends
/// the new rounds, so a segment's identity is its whole prefix.
public struct TreeIndexPath: Sendable, Hashable, CustomStringConvertible {
  public struct Segment: Sendable, Hashable, Comparable {
    public var round: Int
    public var position: Int
    public static func < (a: Segment, b: Segment) -> Bool {
      (a.round, a.position) < (b.round, b.position)
    }
  }

  public var root: Int
  public var segments: [Segment]

  public init(root: Int, segments: [Segment]) {
    self.root = root
    self.segments = segments
  }

  /// nil when `text` is not `ROOT(/ROUND-POSITION)*` with non-negative integers.
  public init?(_ text: String) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false)
    guard let first = parts.first, let root = Int(first), root >= 0 else { return nil }
    var segments: [Segment] = []
    for part in parts.dropFirst() {
      let pair = part.split(separator: "-", omittingEmptySubsequences: false)
      guard pair.count == 2, let r = Int(pair[0]), let p = Int(pair[1]), r >= 0, p >= 0 else {
        return nil
      }
      segments.append(Segment(round: r, position: p))
    }
    self.init(root: root, segments: segments)
  }

  /// The strict form `ROOT(/ROUND-POS)*` (ASCII digits, no signs) read straight from UTF-8, as
  /// every line of a TreePO dump has it; nil for anything else, which `init?(_:)` then decides.
  init?(digits text: UnsafeBufferPointer<UInt8>) {
    var k = 0
    func number() -> Int? {
      let from = k
      var value = 0
      while k < text.count, text[k] &- 0x30 < 10, k - from < 18 {  // 18 digits cannot overflow
        value = value * 10 + Int(text[k] &- 0x30)
        k += 1
      }
      return k > from && (k == text.count || text[k] &- 0x30 >= 10) ? value : nil
    }
    guard let root = number() else { return nil }
    var segments: [Segment] = []
    while k < text.count {
      guard text[k] == UInt8(ascii: "/") else { return nil }
      k += 1
      guard let round = number(), k < text.count, text[k] == UInt8(ascii: "-") else { return nil }
      k += 1
      guard let position = number() else { return nil }
      segments.append(Segment(round: round, position: position))
    }
    self.init(root: root, segments: segments)
  }

  public var description: String {
    ([String(root)] + segments.map { "\($0.round)-\($0.position)" }).joined(separator: "/")
  }
}

/// Groups that share a `uid` were sampled for one prompt; verl's newer agent loop writes
/// `{uid}_{session}_{index}` and TreePO's subgroup option `{uid}#{round-pos}…`: both suffixes name
/// the sample, not the group.
public func groupKey(uid: String) -> String {
  var key = Substring(uid)
  if let hash = key.firstIndex(of: "#") { key = key[..<hash] }
  // `…_{session}_{index}`: the last two `_`-separated parts are integers (found from the end, not
  // by splitting: this runs for every line of a dump).
  guard let last = key.lastIndex(of: "_"), Int(key[key.index(after: last)...]) != nil else {
    return String(key)
  }
  let rest = key[..<last]
  guard let session = rest.lastIndex(of: "_"), Int(rest[rest.index(after: session)...]) != nil
  else { return String(key) }
  return String(rest[..<session])
}

/// `groupKey(uid:)` for the usual uid, read from its UTF-8 without making a String: the length of
/// the key (a prefix of the uid), or nil when the answer needs the String version (non-ASCII,
/// where `_` and `#` count as characters; or a part with a sign or too many digits for a quick
/// check).
func groupKeyLength(asciiUID raw: UnsafeBufferPointer<UInt8>) -> Int? {
  var end = raw.count
  for k in 0..<raw.count {
    if raw[k] >= 0x80 { return nil }
    if raw[k] == UInt8(ascii: "#") && end == raw.count { end = k }
  }
  /// true: 1–18 digits (an Int); false: surely not an Int; nil: ask `Int(_:)`.
  func isInteger(_ from: Int, _ to: Int) -> Bool? {
    guard to > from else { return false }
    var sure = to - from <= 18
    for k in from..<to {
      let b = raw[k]
      if b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
        sure = false
      } else if b &- UInt8(ascii: "0") >= 10 {
        return false
      }
    }
    return sure ? true : nil
  }
  guard let last = raw[0..<end].lastIndex(of: UInt8(ascii: "_")) else { return end }
  guard let lastIsInteger = isInteger(last + 1, end) else { return nil }
  guard lastIsInteger, let session = raw[0..<last].lastIndex(of: UInt8(ascii: "_")) else {
    return end
  }
  guard let sessionIsInteger = isInteger(session + 1, last) else { return nil }
  return sessionIsInteger ? session : end
}
