import Testing
import TreePOEngine
import TreePOTestSupport

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Forking at the branch token on the real engine (the tiny random Llama, pages of 4 positions):
// the children share the KV pages up to the fork token, and what they record is the policy's.

@Suite struct BranchAtTokenModelTests {
  /// log softmax(logits)[token].
  static func logprob(_ logits: [Float], _ token: Int) -> Float {
    let top = logits.max()!
    let z = logits.map { exp(Double($0 - top)) }.reduce(0, +)
    return Float(Double(logits[token] - top) - log(z))
  }

  @Test func childrenShareThePagesUpToTheForkTokenAndDrawFromThePolicy() throws {
    let model = TinyModel.model()
    let d = TinyModel.decoder(model, seed: 6)
    let prompt = try TinyModel.tokenizer.encode("3 1 4>5:")  // 8 positions: pages 0 and 1
    let root = try d.prefill([prompt])[0]
    let path = try d.fork(root)
    let segment = try d.decodeSegments([SegmentRequest(path: path, maxTokens: 6)])[0]
    try #require(!segment.stopped && segment.fed == 6)
    #expect(d.pagesInUse == 4, "14 positions: the prompt's 2 pages and 2 of the segment's")
    // Fork before token j = 3 of the segment: the children keep the 8 + 3 positions before it.
    let j = 3
    let keep = prompt.count + j
    let first = try d.fork(path, keepingFirst: keep)
    // Positions 0 ..< 10 stay shared (pages 0–2); re-feeding position 10 writes into page 2,
    // shared with the parent, so that one page is copied — nothing else.
    #expect(d.pagesInUse == 5, "pages \(d.pagesInUse)")
    let second = try d.fork(first)
    #expect(d.pagesInUse == 5, "a plain fork shares every page")
    let context = prompt + Array(segment.tokens[..<j])
    #expect(d.tokens(of: first) == context && d.tokens(of: second) == context)
    // The children's next-token distribution is the one the branch token was drawn from.
    let expected = try TinyModel.recompute(model, context)
    let pending = try #require(d.pendingLogits(of: first))
    #expect(TinyModel.maxRelativeError(pending, expected) < 1e-4)
    #expect(abs(Self.logprob(expected, segment.tokens[j]) - segment.logprobs[j]) < 1e-4)
    let kids = try d.decodeSegments([
      SegmentRequest(path: first, maxTokens: 2), SegmentRequest(path: second, maxTokens: 2),
    ])
    for (k, s) in kids.enumerated() {
      let lp = Self.logprob(expected, s.tokens[0])
      #expect(abs(s.logprobs[0] - lp) < 1e-4, "child \(k): \(s.logprobs[0]) vs \(lp)")
      guard s.tokens.count > 1 else { continue }
      let after = try TinyModel.recompute(model, context + [s.tokens[0]])
      let lp2 = Self.logprob(after, s.tokens[1])
      #expect(abs(s.logprobs[1] - lp2) < 1e-3, "child \(k) token 2: \(s.logprobs[1]) vs \(lp2)")
    }
    for p in [root, path, first, second] { d.free(p) }
    #expect(d.pagesInUse == 0)
  }

  /// Three prompts with a segment each: 12 cuts at different lengths (three of the same path at
  /// one length), more than the decoder's batch of 8, so the re-feeds take two steps.
  static func cutScene(_ d: ModelSegmentDecoder) throws -> (paths: [PathID], cuts: [Cut]) {
    let prompts = try ["3 1 4>5:", "2 7>", "9 9 1 0>3:"].map { try TinyModel.tokenizer.encode($0) }
    let roots = try d.prefill(prompts)
    let paths = try roots.map { try d.fork($0) }
    let segments = try d.decodeSegments(paths.map { SegmentRequest(path: $0, maxTokens: 7) })
    var cuts: [Cut] = []
    for (k, path) in paths.enumerated() {
      for back in [1, 2, 4, 6, 6] where back <= segments[k].fed {
        cuts.append(Cut(path, keepingFirst: prompts[k].count + segments[k].fed - back))
      }
    }
    return (roots + paths, cuts)
  }

  @Test func batchedReFeedsGiveTheOneAtATimeLogits() throws {
    let model = TinyModel.model()
    let one = TinyModel.decoder(model, seed: 4)
    let batched = TinyModel.decoder(model, seed: 4)
    let (onePaths, oneCuts) = try Self.cutScene(one)
    let (batchedPaths, cuts) = try Self.cutScene(batched)
    try #require(oneCuts == cuts && cuts.count > 8, "\(cuts.count) cuts")
    let single = try oneCuts.map { try one.fork($0.path, keepingFirst: $0.length) }
    let together = try batched.fork(cuts: cuts)
    #expect(one.forwardedPositions == batched.forwardedPositions)
    #expect(one.pagesInUse == batched.pagesInUse, "the same pages shared and copied")
    var worst: Float = 0
    for (k, (a, b)) in zip(single, together).enumerated() {
      #expect(one.tokens(of: a) == batched.tokens(of: b))
      let x = try #require(one.pendingLogits(of: a))
      let y = try #require(batched.pendingLogits(of: b))
      // Every kernel of a decode step works row by row in a fixed order: bit for bit the same.
      expectIdenticalFloats("cut \(k) logits", y, x)
      let recomputed = try TinyModel.recompute(model, try #require(batched.tokens(of: b)))
      worst = max(worst, TinyModel.maxRelativeError(y, recomputed))
    }
    print("batched re-feeds: \(cuts.count) cuts, max relative error vs recompute \(worst)")
    #expect(worst < 1e-4)
    // Drawn from the same logits with the same seed, the children's next tokens agree too.
    let a = try one.decodeSegments(single.map { SegmentRequest(path: $0, maxTokens: 3) })
    let b = try batched.decodeSegments(together.map { SegmentRequest(path: $0, maxTokens: 3) })
    #expect(a == b)
    for (d, paths) in [(one, onePaths + single), (batched, batchedPaths + together)] {
      for p in paths { d.free(p) }
      #expect(d.pagesInUse == 0 && d.livePaths == 0)
    }
  }

  @Test func aBadCutLeavesNothingAllocated() throws {
    let d = TinyModel.decoder(TinyModel.model(), seed: 4)
    let (paths, cuts) = try Self.cutScene(d)
    let pages = d.pagesInUse
    let bad = cuts + [Cut(paths[0], keepingFirst: 1000)]
    #expect(throws: SegmentDecodingError.self) { try d.fork(cuts: bad) }
    #expect(d.pagesInUse == pages && d.livePaths == paths.count)
    for p in paths { d.free(p) }
  }

  @Test func theTreeSamplerForksAtTheBranchTokenOnTheModel() throws {
    let model = TinyModel.model()
    var config = RolloutConfig()
    config.n = 6
    config.segmentLength = 4
    config.maxDepth = 20
    config.maxResponseTokens = 30
    config.seed = 3
    config.branchPosition = .maxEntropy
    config.divergencePolicy = .branchEntropy
    let d = TinyModel.decoder(model, seed: 3)
    let prompts = ["1 2>", "7>", "3 3 3>"]
    let sampler = try TreeSampler(
      decoder: d, task: ToyTask(), tokenizer: TinyModel.tokenizer, prompts: prompts,
      config: config)
    var events: [TreeEvent] = []
    try sampler.run { events += $0 }
    #expect(sampler.trajectories.count == 18)
    #expect(d.livePaths == 0 && d.pagesInUse == 0, "every page back in the pool")
    let forks = BranchAtTokenFixtures.forks(events)
    #expect(!forks.isEmpty)
    // Every recorded log-prob along a path through a fork is the policy's, from scratch.
    let resampled = Set(forks.flatMap(\.resampled))
    var checked = 0
    for t in sampler.trajectories where t.nodes.contains(where: resampled.contains) {
      for k in t.responseTokens.indices {
        let logits = try TinyModel.recompute(model, t.promptTokens + t.responseTokens[..<k])
        let lp = Self.logprob(logits, t.responseTokens[k])
        #expect(abs(t.samplingLogprobs[k] - lp) < 1e-3, "token \(k): \(t.samplingLogprobs[k])")
        checked += 1
      }
      if checked > 60 { break }
    }
    #expect(checked > 0)
  }
}
