import Testing
import TreePOEngine

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Distinct siblings and step segments on the real engine (the tiny random Llama of
// TreeSamplerModelTests): Gumbel-top-k's law, the policy's log-probabilities recorded, and the
// siblings' KV pages shared up to the fork.

@Suite struct BranchRuleModelTests {
  @Test func gumbelTopKDrawsDistinctTokensWithTheFirstOneAsOneDraw() {
    let logits: [Float] = [2, 1, 0.5, -1, -3]
    let z = logits.map { exp(Double($0)) }.reduce(0, +)
    let p = logits.map { exp(Double($0)) / z }
    var sampler = TokenSampler(config: SamplingConfig(temperature: 1), seed: 5)
    var firstCounts = [Int](repeating: 0, count: logits.count)
    let draws = 4000
    for _ in 0..<draws {
      let picked = logits.withUnsafeBufferPointer { sampler.sampleDistinct($0, count: 3) }
      #expect(Set(picked.map(\.token)).count == 3, "\(picked.map(\.token))")
      for s in picked {
        let expected = Float(log(p[s.token]))
        #expect(abs(s.logprob - expected) < 1e-5, "token \(s.token): \(s.logprob) vs \(expected)")
      }
      firstCounts[picked[0].token] += 1
    }
    // The first of a without-replacement sample has the law of one draw.
    for (token, count) in firstCounts.enumerated() {
      let freq = Double(count) / Double(draws)
      #expect(abs(freq - p[token]) < 0.03, "token \(token): \(freq) vs p \(p[token])")
    }
    // Greedy takes the most likely in order; top-k leaves only k to choose from.
    var greedy = TokenSampler(config: .greedy, seed: 1)
    let top = logits.withUnsafeBufferPointer { greedy.sampleDistinct($0, count: 3) }
    #expect(top.map(\.token) == [0, 1, 2])
    var topK = TokenSampler(config: SamplingConfig(temperature: 1, topK: 2), seed: 1)
    let two = logits.withUnsafeBufferPointer { topK.sampleDistinct($0, count: 3) }
    #expect(Set(two.map(\.token)) == [0, 1])
  }

  @Test func siblingsShareThePromptPagesAndRecordThePolicysLogprobs() throws {
    let model = TinyModel.model()
    let d = TinyModel.decoder(model, seed: 4)
    let prompt = try TinyModel.tokenizer.encode("3 1 4>5:")  // 8 tokens = 2 full pages of 4
    let root = try d.prefill([prompt])[0]
    let pending = try #require(d.pendingLogits(of: root))
    let kids = try (0..<4).map { _ in try d.fork(root) }
    #expect(d.pagesInUse == 2, "forks share the prompt's pages, nothing is copied")
    let segments = try d.decodeSegments(
      kids.map { SegmentRequest(path: $0, maxTokens: 2, distinctGroup: 7) })
    let firsts = segments.map { $0.tokens[0] }
    #expect(Set(firsts).count == 4, "first tokens \(firsts)")
    // Each sibling that fed a token wrote one new page; the prompt's two stay shared.
    let writers = segments.filter { $0.fed > 0 }.count
    #expect(d.pagesInUse == 2 + writers, "pages \(d.pagesInUse), writers \(writers)")
    // Recorded log-probs are the policy's: log softmax(logits)[token], at the fork and after.
    let logZ = log(pending.map { exp(Double($0)) }.reduce(0, +))
    for (k, s) in segments.enumerated() {
      let expected = Float(Double(pending[s.tokens[0]]) - logZ)
      #expect(abs(s.logprobs[0] - expected) < 1e-4, "sibling \(k): \(s.logprobs[0]) vs \(expected)")
      guard s.tokens.count > 1 else { continue }
      let after = try TinyModel.recompute(model, prompt + [s.tokens[0]])
      let z = log(after.map { exp(Double($0)) }.reduce(0, +))
      let second = Float(Double(after[s.tokens[1]]) - z)
      #expect(abs(s.logprobs[1] - second) < 1e-3, "sibling \(k) token 2: \(s.logprobs[1])")
    }
    for p in [root] + kids { d.free(p) }
    #expect(d.pagesInUse == 0)
  }

  @Test func theTreeSamplerRunsStepAndDistinctOnTheModel() throws {
    let model = TinyModel.model()
    var config = RolloutConfig()
    config.n = 6
    config.segmentLength = 4
    config.maxDepth = 12
    config.maxResponseTokens = 30
    config.seed = 3
    config.segmentBoundary = .step
    config.distinctSiblings = true
    let d = TinyModel.decoder(model, seed: 3)
    let sampler = try TreeSampler(
      decoder: d, task: StepToyTask(), tokenizer: TinyModel.tokenizer,
      prompts: ["1 2>", "7>", "3 3 3>"], config: config)
    var events: [TreeEvent] = []
    try sampler.run { events += $0 }
    #expect(sampler.trajectories.count == 18)
    #expect(d.livePaths == 0 && d.pagesInUse == 0, "every page back in the pool")
    let five = TinyModel.tokenizer.id(of: "5")!
    let segments = BranchRuleFixtures.segments(events)
    for (node, tokens) in segments {
      #expect(!tokens.dropLast().contains(five), "node \(node) runs past a step: \(tokens)")
    }
    for (parent, children) in BranchRuleFixtures.siblings(events) where children.count > 1 {
      let firsts = children.compactMap { segments[$0]?.first }
      #expect(Set(firsts).count == firsts.count, "parent \(parent): \(firsts)")
    }
  }
}
