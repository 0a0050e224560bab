import Foundation
import TreePOTrace

// What the panes derive from a whole segment or prompt (whether its tokens line up with its text,
// its mean entropy, its chat markup) is worked out once per content, not once per frame: a response
// of 16,000 tokens must not cost every frame a walk over its text. The memo is a cache (the same
// answers with or without it), so `render` stays a function of the state; it holds small facts,
// never text, and forgets everything past `limit` entries, so its memory stays bounded.

public final class RenderMemo: @unchecked Sendable {
  static let limit = 4096
  private let lock = NSLock()
  private var means: [ContentKey: NodeMeans] = [:]
  private var tokens: [ContentKey: NodeTokens] = [:]
  private var prompts: [ContentKey: PromptFacts] = [:]
  private var matches: [MatchKey: Bool] = [:]

  public init() {}

  /// A segment's mean numbers (every tree row needs them: a sum over its tokens, once).
  func means(of node: TreeNode, prompt: Int) -> NodeMeans {
    let key = ContentKey(node, prompt: prompt)
    if let hit = lock.withLock({ means[key] }) { return hit }
    let found = NodeMeans(node)
    lock.withLock { store(found, at: key, in: &means) }
    return found
  }

  /// How a segment's tokens line up with its text (the path and the token table need it: a walk
  /// over the text, once).
  func tokens(of node: TreeNode, prompt: Int) -> NodeTokens {
    let key = ContentKey(node, prompt: prompt)
    if let hit = lock.withLock({ tokens[key] }) { return hit }
    let found = NodeTokens(node)
    lock.withLock { store(found, at: key, in: &tokens) }
    return found
  }

  func facts(ofPrompt info: PromptInfo) -> PromptFacts {
    let key = ContentKey(prompt: info)
    if let hit = lock.withLock({ prompts[key] }) { return hit }
    let facts = PromptFacts(info.text)
    lock.withLock { store(facts, at: key, in: &prompts) }
    return facts
  }

  /// Whether the search `query` matches the node's text (a case-insensitive search through a long
  /// response is slow; a row asks once per query).
  func matches(_ node: TreeNode, prompt: Int, query: String, _ compute: () -> Bool) -> Bool {
    guard !query.isEmpty else { return false }
    let key = MatchKey(content: ContentKey(node, prompt: prompt), query: query)
    if let hit = lock.withLock({ matches[key] }) { return hit }
    let found = compute()
    lock.withLock { store(found, at: key, in: &matches) }
    return found
  }

  private func store<K: Hashable, V>(_ value: V, at key: K, in table: inout [K: V]) {
    if table.count >= Self.limit { table.removeAll(keepingCapacity: true) }
    table[key] = value
  }
}

extension RenderMemo: Equatable {
  /// A cache: two states are equal whatever their memos hold.
  public static func == (_: RenderMemo, _: RenderMemo) -> Bool { true }
}

/// A node's or prompt's content, told apart in O(1): ids, lengths and a sample of the bytes at both
/// ends (a segment only ever grows, so a new length means new content).
struct ContentKey: Hashable {
  var prompt: Int, node: Int
  var bytes: Int, tokens: Int, tokenTexts: Int, numbers: Int
  var head: UInt64, tail: UInt64

  init(_ node: TreeNode, prompt: Int) {
    self.prompt = prompt
    self.node = node.id
    bytes = node.text.utf8.count
    tokens = node.tokenIds.count
    tokenTexts = node.tokenTexts?.count ?? -1
    numbers = node.entropies.count &* 31 &+ node.logprobs.count
    (head, tail) = Self.sample(node.text)
  }

  init(prompt info: PromptInfo) {
    prompt = info.index
    node = -1
    bytes = info.text.utf8.count
    tokens = info.tokenIds.count
    tokenTexts = -1
    numbers = 0
    (head, tail) = Self.sample(info.text)
  }

  private static func sample(_ text: String) -> (UInt64, UInt64) {
    func fold(_ bytes: some Sequence<UInt8>) -> UInt64 {
      bytes.reduce(14_695_981_039_346_656_037) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
    }
    return (fold(text.utf8.prefix(32)), fold(text.utf8.suffix(32)))
  }
}

struct MatchKey: Hashable {
  var content: ContentKey
  var query: String
}

/// A segment's mean entropy and log-probability.
struct NodeMeans: Sendable {
  var meanEntropy: Float?
  var sumLogprob: Float?
  /// The mean token log-probability (the colour of a segment shown as a whole).
  var meanLogprob: Float?

  init(_ node: TreeNode) {
    meanEntropy = node.meanEntropy
    sumLogprob = node.sumLogprob
    meanLogprob = node.sumLogprob.map { $0 / Float(max(1, node.logprobs.count)) }
  }
}

/// What a segment's tokens are as text.
struct NodeTokens: Sendable {
  enum Kind: Sendable {
    /// The trace's token texts (one per token id).
    case texts
    /// One token per character of the text (a character vocabulary).
    case characters
    /// Neither: the segment is shown as a whole.
    case none
  }
  var kind: Kind
  /// The Path pane colours token by token: the token texts put together are the text.
  var perToken: Bool

  init(_ node: TreeNode) {
    // The same rules as `TreeNode.tokenDisplayTexts`, without building its array of characters.
    if let texts = node.tokenTexts, texts.count == node.tokenIds.count {
      kind = .texts
      perToken = texts.joined() == node.text
    } else if node.text.count == node.tokenIds.count {
      kind = .characters
      perToken = true
    } else {
      kind = .none
      perToken = false
    }
  }

  /// The first `count` token texts (what `tokenDisplayTexts.prefix(count)` gives).
  func tokenTexts(of node: TreeNode, first count: Int) -> [String]? {
    switch kind {
    case .texts: Array((node.tokenTexts ?? []).prefix(count))
    case .characters: node.text.prefix(count).map(String.init)
    case .none: nil
    }
  }
}

/// A prompt's chat markup runs and its one-line headline, as byte ranges of its text.
struct PromptFacts: Sendable {
  var runs: [(bytes: Range<Int>, markup: Bool)]
  /// Some markup was found: the content is shown bright, the markup dim (else all of it dim).
  var chat: Bool
  var headline: Range<Int>

  init(_ text: String) {
    var offset = 0
    runs = ChatMarkup.runs(text).map { run in
      let n = run.text.utf8.count
      defer { offset += n }
      return (offset..<offset + n, run.markup)
    }
    chat = runs.contains { $0.markup }
    let utf8 = text.utf8
    if let q = ChatMarkup.questionRange(text) {
      headline =
        utf8.distance(
          from: utf8.startIndex, to: q.lowerBound)..<utf8.distance(
          from: utf8.startIndex, to: q.upperBound)
    } else {
      headline = 0..<utf8.count
    }
  }

  /// The part of `text` (the prompt these facts are of) that `bytes` covers.
  static func slice(_ text: String, _ bytes: Range<Int>) -> Substring {
    let utf8 = text.utf8
    let lower = utf8.index(utf8.startIndex, offsetBy: min(bytes.lowerBound, utf8.count))
    let upper = utf8.index(utf8.startIndex, offsetBy: min(bytes.upperBound, utf8.count))
    return text[lower..<upper]
  }
}

extension Explorer {
  var memo: RenderMemo { state.memo }

  /// `prompt`'s headline (a chat prompt's question), without searching the prompt each frame.
  func headline(of info: PromptInfo) -> Substring {
    PromptFacts.slice(info.text, memo.facts(ofPrompt: info).headline)
  }

  /// `matches(node)`, asked once per node content and query.
  func memoMatches(_ node: TreeNode, prompt: Int) -> Bool {
    memo.matches(node, prompt: prompt, query: state.search.query) { matches(node) }
  }
}
