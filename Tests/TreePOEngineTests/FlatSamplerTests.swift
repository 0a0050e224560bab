import Testing
import TreePOEngine

@Suite struct FlatSamplerTests {
  @Test func flatSamplesNIndependentChains() throws {
    let decoder = RolloutFixtures.decoder(seed: 7)
    let sampler = try FlatSampler.make(
      decoder: decoder, task: ToyTask(), tokenizer: RolloutFixtures.tokenizer,
      prompts: RolloutFixtures.prompts, config: RolloutFixtures.config(n: 6))
    var events: [TreeEvent] = []
    try sampler.run { events += $0 }
    var children: [Int: Int] = [:]
    var roots = Set<Int>()
    for e in events {
      if case .rolloutStarted(let r) = e {
        #expect(r.sampler == "flat" && r.config["tree_div_policy"] == nil)
      }
      if case .nodeSpawned(let s) = e {
        if s.reason == .root { roots.insert(s.node) }
        if let p = s.parent { children[p, default: 0] += 1 }
        #expect(s.reason != .fallback)
      }
    }
    for (node, count) in children {
      #expect(count == (roots.contains(node) ? 6 : 1), "node \(node)")
    }
    #expect(sampler.trajectories.count == 6 * RolloutFixtures.prompts.count)
    // Nothing is shared beyond the prompt: flat costs exactly its flat equivalent.
    let c = try #require(RolloutFixtures.lastCounters(events))
    #expect(c.decodedTokens == c.flatEquivalentTokens && c.sharedPrefixTokens == 0)
    #expect(decoder.livePaths == 0)
  }

  @Test func theTreeDecodesFewerTokensThanFlatOnTheSameScript() throws {
    func cost(_ kind: SamplerKind) throws -> RolloutSummary {
      let s = try RolloutFixtures.sampler(
        RolloutFixtures.config(n: 16, policy: .fixed), decoder: RolloutFixtures.decoder(seed: 3),
        kind: kind)
      try s.run()
      return s.summary
    }
    let tree = try cost(.tree)
    let flat = try cost(.flat)
    #expect(tree.trajectories == flat.trajectories)
    #expect(Double(tree.counters.decodedTokens) < 0.9 * Double(flat.counters.decodedTokens))
  }
}
