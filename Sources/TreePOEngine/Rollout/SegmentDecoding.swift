// What the samplers need from a decoding engine, kept small so the tree logic can be tested with a
// scripted stand-in (ScriptedSegmentDecoder) and run for real on the KV cache
// (ModelSegmentDecoder).
//
// A path is a sequence whose keys/values are cached for every token it holds, plus the next-token
// logits after its last token ("pending logits"). Forking copies the pending logits and shares the
// cached positions, so a child never recomputes anything of its parent.

/// A path handle, unique among the live paths of one decoder.
public struct PathID: Hashable, Sendable, CustomStringConvertible {
  public let raw: Int
  public init(_ raw: Int) { self.raw = raw }
  public var description: String { "path \(raw)" }
}

/// One path's share of a segment decode.
public struct SegmentRequest: Sendable, Equatable {
  public var path: PathID
  /// Tokens to sample at most (fewer when a stop token comes first).
  public var maxTokens: Int
  /// Whether the last sampled token is fed through the model when the segment ends without a stop
  /// token. False for a path's final segment (its continuation will never be needed).
  public var feedLast: Bool
  /// Step-boundary tokens: the segment ends right after one of them (fed like any other token,
  /// unless it is the segment's last allowed token and `feedLast` is false). Empty = fixed length.
  public var endAfter: Set<Int>
  /// Requests with the same group hold the same pending logits (siblings of one branch point) and
  /// draw their first tokens without replacement (Gumbel-top-k); nil = an independent draw.
  public var distinctGroup: Int?
  public init(
    path: PathID, maxTokens: Int, feedLast: Bool = true, endAfter: Set<Int> = [],
    distinctGroup: Int? = nil
  ) {
    self.path = path
    self.maxTokens = maxTokens
    self.feedLast = feedLast
    self.endAfter = endAfter
    self.distinctGroup = distinctGroup
  }
}

/// The first `length` positions of `path` (see `SegmentDecoding.fork(_:keepingFirst:)`).
public struct Cut: Sendable, Equatable {
  public var path: PathID
  public var length: Int
  public init(_ path: PathID, keepingFirst length: Int) {
    self.path = path
    self.length = length
  }
}

public struct DecodedSegment: Sendable, Equatable {
  public var tokens: [Int]
  /// log p(token) under the sampling distribution softmax(logits / temperature) (as verl).
  public var logprobs: [Float]
  /// Entropy (nats) of that distribution at each sampled position.
  public var entropies: [Float]
  /// The segment ended on a stop token (the answer terminator / EOS), which is its last token.
  public var stopped: Bool
  /// Positions this segment put through the model (the stop token and an unfed last token are not).
  public var fed: Int
  public init(
    tokens: [Int], logprobs: [Float], entropies: [Float], stopped: Bool, fed: Int
  ) {
    self.tokens = tokens
    self.logprobs = logprobs
    self.entropies = entropies
    self.stopped = stopped
    self.fed = fed
  }
}

public protocol SegmentDecoding: AnyObject {
  /// Most positions (prompt + response) a path can hold.
  var maxPositions: Int { get }
  /// Positions put through the model so far (prefill + decode + recompute): the real cost.
  var forwardedPositions: Int { get }
  var pagesInUse: Int { get }
  var peakPagesInUse: Int { get }
  /// Starts a new peak measurement (at the beginning of a rollout).
  func resetPeak()

  /// One path per prompt, each holding its prompt (prefilled in one batched forward).
  func prefill(_ prompts: [[Int]]) throws -> [PathID]
  /// A new path sharing everything `path` holds.
  func fork(_ path: PathID) throws -> PathID
  /// A new path holding the first `length` positions of `path`, ready to continue from there.
  /// `length` is at least 1 and at most the positions `path` has fed.
  func fork(_ path: PathID, keepingFirst length: Int) throws -> PathID
  /// `fork(_:keepingFirst:)` for several cuts at once, results in order: the real decoder re-feeds
  /// their boundary tokens in one batched step instead of one step each.
  func fork(cuts: [Cut]) throws -> [PathID]
  func free(_ path: PathID)
  /// Decodes one segment for each request as one batched decode (one model step per position,
  /// all still-running paths together). Results come back in request order.
  func decodeSegments(_ requests: [SegmentRequest]) throws -> [DecodedSegment]
}

public struct SegmentDecodingError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}
