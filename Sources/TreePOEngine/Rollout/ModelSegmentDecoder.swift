// SegmentDecoding on the real engine: a DecoderSession over a paged KVCache, and a TokenSampler.
//
// A path is a cache sequence holding every fed token, plus the pending logits [V] after its last
// fed token. `fork` shares the sequence's pages and copies the pending logits: nothing is
// recomputed. A cut (`fork(_:keepingFirst:)`, the fallback) shares the first length − 1 positions
// and re-feeds the boundary token, the one position a cut costs; `fork(cuts:)` re-feeds a whole
// round's cuts in one batched step.
//
// A segment decode samples position by position: every still-running path draws its next token
// from its pending logits (in request order, so a seed fixes the rollout), and all paths that go on
// are fed together in one batched decoder step (split into pieces of the decoder's maxBatch).

public final class ModelSegmentDecoder: SegmentDecoding {
  public let decoder: DecoderSession
  public private(set) var sampler: TokenSampler
  public let stopTokens: Set<Int>
  public private(set) var forwardedPositions = 0
  /// Called after each position of a segment decode with (positions done, most positions): the
  /// live explorer shows a round's progress from it (a round on a real model takes seconds).
  public var onPosition: ((_ done: Int, _ of: Int) -> Void)?

  struct Path {
    var seq: SequenceID
    var tokens: [Int]
    var fed: Int
    var logits: [Float]  // [V] next-token logits after the last fed token
  }
  var paths: [Int: Path] = [:]
  var nextID = 0

  public init(decoder: DecoderSession, sampling: SamplingConfig, seed: UInt64, stopTokens: Set<Int>)
  {
    self.decoder = decoder
    self.sampler = TokenSampler(config: sampling, seed: seed)
    self.stopTokens = stopTokens
  }

  /// A decoder for rollouts of `prompts` prompts at a time with `config`'s width and sampling:
  /// a cache big enough for every path, and a batch as wide as a round can be. `maxLength` (prompt
  /// + response tokens of the longest path, default the model's context) sizes the cache: a real
  /// model's context of thousands would reserve gigabytes for replies of a hundred tokens.
  public convenience init(
    model: Model, config: RolloutConfig, prompts: Int, stopTokens: Set<Int>, maxLength: Int? = nil
  ) {
    let length = min(maxLength ?? model.config.maxPositions, model.config.maxPositions)
    let pages = Self.pagesNeeded(prompts: prompts, n: config.n, maxPositions: length)
    let maxBatch = min(prompts * config.n, 512)
    self.init(
      decoder: DecoderSession(
        model: model, cache: KVCache(config: model.config, capacity: pages), maxBatch: maxBatch,
        maxRows: Self.maxRows(prompts: prompts, maxBatch: maxBatch, length: length, model.config)),
      sampling: SamplingConfig(
        temperature: config.temperature, topK: config.topK, topP: config.topP),
      seed: config.seed, stopTokens: stopTokens)
  }

  /// Rows of one decoder forward: every prompt's prefill at once (as with the decoder's default
  /// of the model's context, which for a real model's 8k context is ≈ 240 MB of activations for
  /// prompts of a few dozen tokens), and at least a step's batch.
  public static func maxRows(prompts: Int, maxBatch: Int, length: Int, _ config: ModelConfig)
    -> Int
  {
    max(maxBatch, min(config.maxPositions, prompts * length))
  }

  /// Pages enough for `prompts` prompts of n paths each, every path as long as the model allows:
  /// at most n trajectories (kept as fallback sources) plus the root are alive per prompt.
  public static func pagesNeeded(prompts: Int, n: Int, maxPositions: Int, pageSize: Int = 16)
    -> Int
  {
    prompts * (n + 2) * ((maxPositions + pageSize - 1) / pageSize + 1)
  }

  public var maxPositions: Int { decoder.model.config.maxPositions }
  public var pagesInUse: Int { decoder.cache.pagesInUse }
  public var peakPagesInUse: Int { decoder.cache.peakPagesInUse }
  public func resetPeak() { decoder.cache.resetPeak() }
  /// Live paths (for leak tests).
  public var livePaths: Int { paths.count }

  func add(_ path: Path) -> PathID {
    let id = nextID
    nextID += 1
    paths[id] = path
    return PathID(id)
  }

  func path(_ id: PathID) throws -> Path {
    guard let p = paths[id.raw] else {
      throw SegmentDecodingError("\(id) is not a live path of this decoder")
    }
    return p
  }

  public func prefill(_ prompts: [[Int]]) throws -> [PathID] {
    var out: [PathID] = []
    let batch = decoder.maxBatch
    for start in stride(from: 0, to: prompts.count, by: batch) {
      let chunk = Array(prompts[start..<min(start + batch, prompts.count)])
      let seqs = chunk.map { _ in decoder.cache.newSequence() }
      let logits: LogitsView
      do {
        logits = try decoder.prefill(seqs, prompts: chunk)
      } catch {
        for s in seqs { decoder.cache.free(s) }
        throw error
      }
      for (i, prompt) in chunk.enumerated() {
        forwardedPositions += prompt.count
        out.append(
          add(Path(seq: seqs[i], tokens: prompt, fed: prompt.count, logits: Array(logits[i]))))
      }
    }
    return out
  }

  public func fork(_ path: PathID) throws -> PathID {
    var p = try self.path(path)
    p.seq = try decoder.cache.fork(p.seq)
    return add(p)
  }

  public func fork(_ path: PathID, keepingFirst length: Int) throws -> PathID {
    try fork(cuts: [Cut(path, keepingFirst: length)])[0]
  }

  /// Each cut shares its path's first length − 1 positions; the boundary tokens of all cuts are
  /// re-fed together (one decoder step per maxBatch cuts). Nothing is left allocated on a throw.
  public func fork(cuts: [Cut]) throws -> [PathID] {
    let sources = try cuts.map { cut -> Path in
      let p = try self.path(cut.path)
      guard cut.length >= 1 && cut.length <= p.fed else {
        throw SegmentDecodingError(
          "cannot keep \(cut.length) positions of \(cut.path): it has fed \(p.fed)")
      }
      return p
    }
    var seqs: [SequenceID] = []
    var made: [PathID] = []
    do {
      for (cut, p) in zip(cuts, sources) {
        seqs.append(try decoder.cache.fork(p.seq, keepingFirst: cut.length - 1))
      }
      for start in stride(from: 0, to: cuts.count, by: decoder.maxBatch) {
        let chunk = start..<min(start + decoder.maxBatch, cuts.count)
        let logits = try decoder.step(
          Array(seqs[chunk]), tokens: chunk.map { sources[$0].tokens[cuts[$0].length - 1] })
        for (k, i) in chunk.enumerated() {
          let length = cuts[i].length
          made.append(
            add(
              Path(
                seq: seqs[i], tokens: Array(sources[i].tokens.prefix(length)), fed: length,
                logits: Array(logits[k]))))
        }
        forwardedPositions += chunk.count
      }
    } catch {
      for id in made { paths.removeValue(forKey: id.raw) }
      for seq in seqs { decoder.cache.free(seq) }
      throw error
    }
    return made
  }

  public func free(_ path: PathID) {
    guard let p = paths.removeValue(forKey: path.raw) else {
      preconditionFailure("free of \(path), which is not live")
    }
    decoder.cache.free(p.seq)
  }

  public func decodeSegments(_ requests: [SegmentRequest]) throws -> [DecodedSegment] {
    var live = try requests.map { r -> Path in
      let p = try path(r.path)
      guard p.fed == p.tokens.count else {
        throw SegmentDecodingError("\(r.path) ended with an unfed token and cannot be continued")
      }
      return p
    }
    var out = requests.map { _ in
      DecodedSegment(tokens: [], logprobs: [], entropies: [], stopped: false, fed: 0)
    }
    var running = Array(requests.indices)
    var feed: [Int] = []
    var step = 0
    let longest = requests.map(\.maxTokens).max() ?? 0
    while !running.isEmpty {
      feed.removeAll(keepingCapacity: true)
      var next: [Int] = []
      let distinct = step == 0 ? try drawDistinct(requests, live) : [:]
      for i in running {
        let s =
          distinct[i] ?? live[i].logits.withUnsafeBufferPointer { sampler.sample($0) }
        live[i].tokens.append(s.token)
        out[i].tokens.append(s.token)
        out[i].logprobs.append(s.logprob)
        out[i].entropies.append(s.entropy)
        if stopTokens.contains(s.token) {
          out[i].stopped = true
        } else if step + 1 < requests[i].maxTokens && !requests[i].endAfter.contains(s.token) {
          feed.append(i)
          next.append(i)
        } else if step + 1 < requests[i].maxTokens || requests[i].feedLast {
          feed.append(i)
        }
      }
      try feedTokens(feed, into: &live, out: &out)
      running = next
      step += 1
      onPosition?(step, longest)
    }
    for (i, r) in requests.enumerated() { paths[r.path.raw] = live[i] }
    return out
  }

  /// Feeds each listed path's last token in batched steps and stores the new pending logits.
  func feedTokens(_ feed: [Int], into live: inout [Path], out: inout [DecodedSegment]) throws {
    let batch = decoder.maxBatch
    for start in stride(from: 0, to: feed.count, by: batch) {
      let chunk = feed[start..<min(start + batch, feed.count)]
      let logits = try decoder.step(
        chunk.map { live[$0].seq }, tokens: chunk.map { live[$0].tokens.last! })
      for (k, i) in chunk.enumerated() {
        live[i].fed += 1
        out[i].fed += 1
        let row = logits[k]
        live[i].logits.withUnsafeMutableBufferPointer { dst in
          _ = dst.initialize(from: row)
        }
      }
      forwardedPositions += chunk.count
    }
  }
}

extension ModelSegmentDecoder {
  /// First tokens of every distinct group (by request index), drawn without replacement from the
  /// group's shared pending logits. Throws when a group's paths do not hold the same logits.
  func drawDistinct(_ requests: [SegmentRequest], _ live: [Path]) throws -> [Int: SampledToken] {
    var groups: [Int: [Int]] = [:]
    var order: [Int] = []
    for (i, r) in requests.enumerated() {
      guard let g = r.distinctGroup else { continue }
      if groups[g] == nil { order.append(g) }
      groups[g, default: []].append(i)
    }
    var out: [Int: SampledToken] = [:]
    for g in order {
      let members = groups[g]!
      let first = live[members[0]].logits
      guard members.allSatisfy({ live[$0].logits == first }) else {
        throw SegmentDecodingError(
          "distinct group \(g) holds paths with different next-token logits")
      }
      let drawn = first.withUnsafeBufferPointer { sampler.sampleDistinct($0, count: members.count) }
      for (k, i) in members.enumerated() { out[i] = drawn[k] }
    }
    return out
  }

  /// The next-token logits [V] a live path would sample from (for tests and inspection).
  public func pendingLogits(of path: PathID) -> [Float]? { paths[path.raw]?.logits }
  /// The tokens a live path holds (prompt + response).
  public func tokens(of path: PathID) -> [Int]? { paths[path.raw]?.tokens }
}
