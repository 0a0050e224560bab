import Testing
import TreePOEngine

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
