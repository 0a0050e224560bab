import Testing
import TreePOEngine

@Suite struct FallbackTests {
  /// Runs to the end and returns the events.
  func run(
    _ config: RolloutConfig, seed: UInt64 = 1, prompts: [String] = ["1 2>"],
    meanLength: Float = 14
  ) throws -> (TreeSampler, [TreeEvent], ScriptedSegmentDecoder) {
    let decoder = RolloutFixtures.decoder(seed: seed, meanLength: meanLength)
    let sampler = try RolloutFixtures.sampler(config, decoder: decoder, prompts: prompts)
    var events: [TreeEvent] = []
    try sampler.run { events += $0 }
    return (sampler, events, decoder)
  }

  @Test func fallbackCutsOnASegmentBoundaryOfALeaf() throws {
    // entropy-gated with an unreachable threshold never branches, so the fallback has to supply
    // every trajectory after the first w.
    var config = RolloutFixtures.config(n: 10, policy: .entropyGated)
    config.entropyThreshold = 99
    var sawDeepCut = false
    for seed: UInt64 in 1...5 {
      let (sampler, events, decoder) = try run(config, seed: seed)
      var parent: [Int: Int] = [:]
      var depth: [Int: Int] = [:]
      var ended: [Int: NodeEnded] = [:]
      var fallbacks = 0
      var lastFallback: FallbackTaken? = nil
      for e in events {
        switch e {
        case .nodeSpawned(let s):
          if let p = s.parent { parent[s.node] = p }
          depth[s.node] = s.depth
          if s.reason == .fallback {
            let f = try #require(lastFallback)
            #expect(s.parent == f.cutNode && s.depth == f.cutDepth + 1)
          }
        case .nodeEnded(let s): ended[s.node] = s
        case .fallback(let f):
          fallbacks += 1
          lastFallback = f
          // The source is a counted leaf; the cut is one of its ancestors (or the root).
          let leaf = try #require(ended[f.sourceLeaf])
          #expect(leaf.outcome != .pruned)
          #expect(f.cutDepth < depth[f.sourceLeaf]! && depth[f.cutNode] == f.cutDepth)
          var a = f.sourceLeaf
          while depth[a]! > f.cutDepth { a = parent[a]! }
          #expect(a == f.cutNode)
          if f.cutDepth > 0 { sawDeepCut = true }
        default: break
        }
      }
      #expect(fallbacks >= 4, "seed \(seed): 10 trajectories from w = 2 need fallbacks")
      #expect(sampler.trajectories.count == 10)
      #expect(decoder.livePaths == 0)
      // A fallback child continues exactly the leaf's prefix up to the cut.
      for t in sampler.trajectories { #expect(t.segmentLengths.count == t.nodes.count) }
    }
    #expect(sawDeepCut, "some cut falls below the root")
  }

  @Test func edgeValuesNeverCrash() throws {
    var cases: [RolloutConfig] = []
    for n in [1, 2, 3] {
      for w in [1, 2, 5] {
        for segment in [1, 3] {
          for depth in [1, 2, 6] {
            var c = RolloutFixtures.config(n: n, policy: .entropyGated)
            c.divergence = w
            c.segmentLength = segment
            c.maxDepth = depth
            c.maxResponseTokens = segment * depth
            c.entropyThreshold = 0.5
            cases.append(c)
          }
        }
      }
    }
    for (k, c) in cases.enumerated() {
      let (sampler, _, decoder) = try run(c, seed: UInt64(k), prompts: ["1>", "2 3>"])
      for p in 0..<2 {
        #expect(sampler.trajectories.filter { $0.prompt == p }.count == c.n, "case \(k)")
      }
      #expect(decoder.livePaths == 0)
    }
  }

  @Test func anExhaustedFallbackIsReportedNotHidden() throws {
    var config = RolloutFixtures.config(n: 6, policy: .entropyGated)
    config.entropyThreshold = 99
    config.maxFallbacksPerPrompt = 1
    let (sampler, _, decoder) = try run(config)
    // w = 2 first, one fallback of w = 2 more: 4 of 6.
    #expect(sampler.trajectories.count == 4)
    #expect(sampler.summary.shortfalls == ["prompt 0: 4 of 6 (fallback cap (1) hit)"])
    #expect(decoder.livePaths == 0)

    config.fallbackPolicy = .none
    let (none, events, _) = try run(config)
    #expect(none.trajectories.count == 2)
    #expect(!events.contains { if case .fallback = $0 { true } else { false } })
    #expect(none.summary.shortfalls.count == 1)
  }

  @Test func prunedPathsDoNotCountAndAreReplaced() throws {
    var config = RolloutFixtures.config(n: 8, policy: .fixed)
    config.pruneInvalidPrefix = true
    var prunedSeen = 0
    for seed: UInt64 in 1...4 {
      let (sampler, events, decoder) = try run(config, seed: seed, prompts: ["1>", "2>"])
      var pruned = Set<Int>()
      for e in events {
        if case .nodeEnded(let s) = e, s.outcome == .pruned {
          #expect(s.reason == "invalid_prefix" && s.reward == nil)
          pruned.insert(s.node)
        }
      }
      prunedSeen += pruned.count
      let trajectories = sampler.trajectories
      #expect(trajectories.filter { $0.prompt == 0 }.count == 8)
      #expect(trajectories.filter { $0.prompt == 1 }.count == 8)
      for t in trajectories {
        #expect(pruned.isDisjoint(with: t.nodes))
        #expect(!RolloutFixtures.tokenizer.decode(t.responseTokens).contains("99"))
      }
      #expect(decoder.livePaths == 0)
    }
    #expect(prunedSeen > 0, "the fixture produces some 99s")
  }

  @Test func theRepetitionRuleStopsOrPrunes() throws {
    // A decoder that loops on 5s after two tokens.
    let five = RolloutFixtures.tokenizer.id(of: "5")!
    let loop = ScriptedSegmentDecoder(stopTokens: [RolloutFixtures.tokenizer.eosId], seed: 1) {
      _, _ in .init(token: five, logprob: -0.1, entropy: 0.1)
    }
    var config = RolloutFixtures.config(n: 4, policy: .fixed)
    config.maxFallbacksPerPrompt = 3
    let stopper = try RolloutFixtures.sampler(config, decoder: loop, prompts: ["1>"])
    var events: [TreeEvent] = []
    try stopper.run { events += $0 }
    let ends = events.compactMap { e -> NodeEnded? in
      if case .nodeEnded(let s) = e { return s }
      return nil
    }
    #expect(ends.allSatisfy { $0.outcome == .stopped && $0.reason == "repetition" })
    #expect(stopper.trajectories.count == 4 && stopper.trajectories.allSatisfy { $0.reward == 0 })

    config.repetition = .prune
    let pruner = try RolloutFixtures.sampler(config, decoder: loop, prompts: ["1>"])
    try pruner.run()
    #expect(pruner.trajectories.isEmpty)
    #expect(pruner.summary.shortfalls == ["prompt 0: 0 of 4 (fallback cap (3) hit)"])
    #expect(loop.livePaths == 0)
  }

  @Test func fillSpawnsEveryMissingPathInOneRound() throws {
    var config = RolloutFixtures.config(n: 10, policy: .entropyGated)
    config.entropyThreshold = 99
    for fill in [true, false] {
      config.fallbackFill = fill
      let sampler = try RolloutFixtures.sampler(
        config, decoder: RolloutFixtures.decoder(seed: 3), prompts: ["1>"])
      var perRound: [Int] = []
      var spawnedPerRound: [Int] = []
      while !sampler.isDone {
        let events = try sampler.step()
        perRound.append(events.filter { $0.kind == "fallback" }.count)
        spawnedPerRound.append(
          events.filter {
            if case .nodeSpawned(let s) = $0 { s.reason == .fallback } else { false }
          }.count)
      }
      #expect(sampler.trajectories.count == 10)
      if fill {
        // The first fallback round fills all 8 missing slots: 4 fallbacks of w = 2.
        let first = try #require(perRound.firstIndex { $0 > 0 })
        #expect(spawnedPerRound[first] == 10 - 2, "\(perRound)")
      } else {
        #expect(perRound.allSatisfy { $0 <= 1 }, "\(perRound)")
        #expect(perRound.reduce(0, +) >= 4)
      }
    }
  }

  @Test func anEntropyCutRebranchesBeforeTheUncertainSegment() throws {
    var config = RolloutFixtures.config(n: 10, policy: .entropyGated)
    config.entropyThreshold = 99
    config.fallbackCut = .entropy
    config.divergenceTemperature = 0.02  // sharp: the most uncertain segment wins
    var checked = 0
    for seed: UInt64 in 1...4 {
      let (_, events, _) = try run(config, seed: seed)
      var parent: [Int: Int] = [:]
      var depth: [Int: Int] = [:]
      var entropy: [Int: Float] = [:]
      for e in events {
        switch e {
        case .nodeSpawned(let s):
          if let p = s.parent { parent[s.node] = p }
          depth[s.node] = s.depth
        case .segmentDecoded(let s):
          entropy[s.node] = s.entropies.reduce(0, +) / Float(max(s.entropies.count, 1))
        case .fallback(let f):
          var chain: [Int] = []
          var a = f.sourceLeaf
          while depth[a]! > 0 {
            chain.insert(a, at: 0)
            a = parent[a]!
          }
          let below = chain[f.cutDepth]  // the segment decoded from the cut
          let top = chain.map { entropy[$0]! }.max()!
          #expect(
            entropy[below]! >= top - 1e-6, "seed \(seed): cut \(f.cutDepth) of \(chain.count)")
          checked += 1
        default: break
        }
      }
    }
    #expect(checked >= 8)
  }
}
