// A deterministic stand-in for the model decoder: tokens come from a rule over the path's tokens
// and a seeded draw. It keeps the same books as the real decoder (positions fed, one boundary token
// re-fed on a cut), so the samplers' accounting can be tested without a model. Also handy for
// explorer tests and demos that need a live tree without weights.

public final class ScriptedSegmentDecoder: SegmentDecoding {
  public struct Choice: Sendable, Equatable {
    public var token: Int
    public var logprob: Float
    public var entropy: Float
    public init(token: Int, logprob: Float, entropy: Float) {
      self.token = token
      self.logprob = logprob
      self.entropy = entropy
    }
  }
  /// Picks the next token from the path's tokens so far (prompt + response) and a draw in [0, 1).
  public typealias Rule = @Sendable (_ tokens: [Int], _ draw: Float) -> Choice

  struct Path {
    var tokens: [Int]
    /// Leading tokens whose keys/values would be cached (the rest was sampled but not fed).
    var fed: Int
  }

  public let maxPositions: Int
  public let stopTokens: Set<Int>
  public private(set) var forwardedPositions = 0
  public private(set) var peakPagesInUse = 0
  /// Cuts so far (`fork(_:keepingFirst:)` or one of `fork(cuts:)`'s): each re-feeds one position
  /// (for accounting tests).
  public private(set) var cuts = 0
  /// Decoder steps those re-feeds took: one per `fork(_:keepingFirst:)` or `fork(cuts:)` call.
  public private(set) var cutSteps = 0
  /// One "page" per live path: there is no real cache behind this decoder.
  public var pagesInUse: Int { paths.count }
  var paths: [Int: Path] = [:]
  var nextID = 0
  var rng: SeededRandom
  let rule: Rule

  public init(maxPositions: Int = 128, stopTokens: Set<Int>, seed: UInt64, rule: @escaping Rule) {
    self.maxPositions = maxPositions
    self.stopTokens = stopTokens
    self.rule = rule
    rng = SeededRandom(seed: seed)
  }

  /// Live paths (for leak tests).
  public var livePaths: Int { paths.count }

  /// The tokens a live path holds (prompt + response, fed or not).
  public func tokens(of path: PathID) -> [Int]? { paths[path.raw]?.tokens }

  public func resetPeak() { peakPagesInUse = pagesInUse }

  func add(_ path: Path) -> PathID {
    let id = nextID
    nextID += 1
    paths[id] = path
    peakPagesInUse = max(peakPagesInUse, paths.count)
    return PathID(id)
  }

  func path(_ id: PathID) throws -> Path {
    guard let p = paths[id.raw] else {
      throw SegmentDecodingError("\(id) is not a live path of the scripted decoder")
    }
    return p
  }

  public func prefill(_ prompts: [[Int]]) throws -> [PathID] {
    prompts.map { prompt in
      forwardedPositions += prompt.count
      return add(Path(tokens: prompt, fed: prompt.count))
    }
  }

  public func fork(_ path: PathID) throws -> PathID { add(try self.path(path)) }

  public func fork(_ path: PathID, keepingFirst length: Int) throws -> PathID {
    try fork(cuts: [Cut(path, keepingFirst: length)])[0]
  }

  public func fork(cuts: [Cut]) throws -> [PathID] {
    let sources = try cuts.map { cut -> Path in
      let p = try self.path(cut.path)
      guard cut.length >= 1 && cut.length <= p.fed else {
        throw SegmentDecodingError(
          "cannot keep \(cut.length) positions of \(cut.path): it has fed \(p.fed)")
      }
      return p
    }
    // The real decoder re-feeds each boundary token (all in one step) to get its logits back.
    forwardedPositions += cuts.count
    self.cuts += cuts.count
    if !cuts.isEmpty { cutSteps += 1 }
    return zip(cuts, sources).map { cut, p in
      add(Path(tokens: Array(p.tokens.prefix(cut.length)), fed: cut.length))
    }
  }

  public func free(_ path: PathID) {
    precondition(paths.removeValue(forKey: path.raw) != nil, "free of \(path), which is not live")
  }

  public func decodeSegments(_ requests: [SegmentRequest]) throws -> [DecodedSegment] {
    var out: [DecodedSegment] = []
    var taken: [Int: Set<Int>] = [:]
    for r in requests {
      var p = try path(r.path)
      guard p.fed == p.tokens.count else {
        throw SegmentDecodingError("\(r.path) ended with an unfed token and cannot be continued")
      }
      var seg = DecodedSegment(tokens: [], logprobs: [], entropies: [], stopped: false, fed: 0)
      for i in 0..<r.maxTokens {
        var c = rule(p.tokens, rng.nextUniform())
        if i == 0, let g = r.distinctGroup {
          // Without replacement: redraw until a token the group has not taken yet, which has the
          // same law as Gumbel-top-k (the rule is an inverse CDF); give up after a few tries.
          var tries = 0
          while taken[g, default: []].contains(c.token) && tries < 64 {
            c = rule(p.tokens, rng.nextUniform())
            tries += 1
          }
          taken[g, default: []].insert(c.token)
        }
        p.tokens.append(c.token)
        seg.tokens.append(c.token)
        seg.logprobs.append(c.logprob)
        seg.entropies.append(c.entropy)
        if stopTokens.contains(c.token) {
          seg.stopped = true
          break
        }
        if i < r.maxTokens - 1 || r.feedLast {
          p.fed += 1
          seg.fed += 1
        }
        if r.endAfter.contains(c.token) { break }
      }
      forwardedPositions += seg.fed
      paths[r.path.raw] = p
      out.append(seg)
    }
    return out
  }
}
