import Testing
import TreePOEngine

// Issue 13 items 2 and 4 on the scripted decoder: forking at the highest-entropy token of a
// segment (tree_branch_position=max-entropy) and the budget by the branch token's entropy
// (tree_div_policy=branch-entropy). The scripted policy is uncertain (entropy 2.0, log p −2.3)
// right after a `3` and confident (0.1, −0.2) elsewhere, so the argmax is known from the tokens.

enum BranchAtTokenFixtures {
  static func config(n: Int, seed: UInt64, policy: DivergencePolicy = .fixed) -> RolloutConfig {
    var c = RolloutFixtures.config(n: n, seed: seed, policy: policy)
    c.branchPosition = .maxEntropy
    c.maxDepth = 20
    return c
  }

  /// Every mid-segment fork of a run: the prefix node, the continuation and the resampled
  /// children, with the segment as it was decoded (prefix + continuation).
  struct Fork {
    var prefix: Int
    var continuation: Int
    var resampled: [Int]
    var entropy: Float
  }

  static func forks(_ events: [TreeEvent]) -> [Fork] {
    var byParent: [Int: [(node: Int, entropy: Float)]] = [:]
    var order: [Int] = []
    for e in events {
      guard case .nodeSpawned(let s) = e, let fe = s.forkEntropy, let parent = s.parent else {
        continue
      }
      if byParent[parent] == nil { order.append(parent) }
      byParent[parent, default: []].append((s.node, fe))
    }
    // The continuation is spawned first (with the segment), the resampled children after it.
    return order.map { p in
      let kids = byParent[p]!
      return Fork(
        prefix: p, continuation: kids[0].node, resampled: kids.dropFirst().map(\.node),
        entropy: kids[0].entropy)
    }
  }

  /// Entropies recorded per node.
  static func entropies(_ events: [TreeEvent]) -> [Int: [Float]] {
    var out: [Int: [Float]] = [:]
    for e in events { if case .segmentDecoded(let s) = e { out[s.node] = s.entropies } }
    return out
  }
}

@Suite struct BranchAtTokenTests {
  @Test func theForkIsAtTheSegmentsHighestEntropyToken() throws {
    var forks = 0
    for seed: UInt64 in 1...4 {
      let config = BranchAtTokenFixtures.config(n: 8, seed: seed)
      let (_, events, _) = try BranchRuleFixtures.run(config, seed: seed, task: ToyTask())
      let segments = BranchRuleFixtures.segments(events)
      let entropies = BranchAtTokenFixtures.entropies(events)
      for f in BranchAtTokenFixtures.forks(events) {
        forks += 1
        let whole = entropies[f.prefix]! + entropies[f.continuation]!
        let top = whole.max()!
        #expect(
          whole.firstIndex(of: top) == entropies[f.prefix]!.count,
          "seed \(seed) node \(f.prefix): cut after \(entropies[f.prefix]!.count) of \(whole)")
        #expect(f.entropy == top)
        #expect(!f.resampled.isEmpty, "a fork has at least one resampled child")
        // The resampled children draw the branch token again from the same context: after a
        // `3` here, so with the same (high) entropy.
        for kid in f.resampled {
          #expect(entropies[kid]?.first == top, "child \(kid) of \(f.prefix)")
        }
        #expect(segments[f.prefix]!.count + segments[f.continuation]!.count <= config.segmentLength)
      }
    }
    #expect(forks > 10, "only \(forks) forks inside a segment")
  }

  @Test(arguments: [DivergencePolicy.fixed, .entropy, .branchEntropy])
  func everyPromptGetsExactlyNTrajectoriesAndTheBooksBalance(policy: DivergencePolicy) throws {
    for seed: UInt64 in 1...4 {
      for n in [5, 8, 16] {
        var config = BranchAtTokenFixtures.config(n: n, seed: seed, policy: policy)
        config.distinctSiblings = seed % 2 == 0
        let (s, events, d) = try BranchRuleFixtures.run(config, seed: seed, task: ToyTask())
        let prompts = RolloutFixtures.prompts.count
        #expect(s.trajectories.count == n * prompts, "seed \(seed) n \(n)")
        #expect(s.summary.shortfalls.isEmpty)
        #expect(d.livePaths == 0, "every path freed")
        // Each path is the chain of its nodes' segments: tokens and log-probs line up.
        for t in s.trajectories {
          #expect(t.segmentLengths.reduce(0, +) == t.responseTokens.count)
          #expect(t.samplingLogprobs.count == t.responseTokens.count)
        }
        // No pruning here, so flat = decoded + shared − re-fed positions (one per cut).
        let c = try #require(RolloutFixtures.lastCounters(events))
        #expect(c.pruned == 0)
        #expect(c.flatEquivalentTokens == c.decodedTokens + c.sharedPrefixTokens - d.cuts)
      }
    }
  }

  @Test func aRoundsReFeedsAreOneDecoderStep() throws {
    var batched = 0
    for seed: UInt64 in 1...4 {
      var config = BranchAtTokenFixtures.config(n: 16, seed: seed)
      config.fallbackPolicy = .none  // every cut is then a fork at a branch token
      let (_, events, d) = try BranchRuleFixtures.run(config, seed: seed, task: ToyTask())
      let rounds = events.filter { if case .roundFinished = $0 { true } else { false } }.count
      #expect(d.cutSteps <= rounds, "seed \(seed): \(d.cutSteps) re-feed steps in \(rounds) rounds")
      #expect(d.cuts >= d.cutSteps)
      batched += d.cuts - d.cutSteps
    }
    #expect(batched > 0, "some round re-feeds several cuts in its one step")
  }

  @Test func theRecordedLogprobsAreThePolicysAlongForkedPaths() throws {
    // log p = −2.3 after a 3, −0.2 elsewhere, −1.5 for the stop token: a child forked with the
    // wrong prefix in the decoder would draw from the wrong context and break the pattern.
    let three = BranchRuleFixtures.tokenizer.id(of: "3")!
    let eos = BranchRuleFixtures.tokenizer.eosId
    var forkedPaths = 0
    for seed: UInt64 in 1...4 {
      let config = BranchAtTokenFixtures.config(n: 16, seed: seed)
      let (s, events, _) = try BranchRuleFixtures.run(config, seed: seed, task: ToyTask())
      let resampled = Set(BranchAtTokenFixtures.forks(events).flatMap(\.resampled))
      for t in s.trajectories {
        if t.nodes.contains(where: resampled.contains) { forkedPaths += 1 }
        let context = [t.promptTokens.last!] + t.responseTokens.dropLast()
        for (k, token) in t.responseTokens.enumerated() {
          let expected: Float = token == eos ? -1.5 : (context[k] == three ? -2.3 : -0.2)
          #expect(t.samplingLogprobs[k] == expected, "token \(k) of \(t.responseTokens)")
        }
      }
    }
    #expect(forkedPaths > 10)
  }

  @Test func theDefaultForksAtTheSegmentEndAndTracesNoForkField() throws {
    let config = RolloutFixtures.config(n: 8, seed: 2)
    #expect(config.branchPosition == .end)
    #expect(config.dictionary["tree_branch_position"] == nil)
    let (_, events, _) = try BranchRuleFixtures.run(config, seed: 2, task: ToyTask())
    #expect(BranchAtTokenFixtures.forks(events).isEmpty)
    var on = config
    on.branchPosition = .maxEntropy
    #expect(on.dictionary["tree_branch_position"] == "max-entropy")
    let (_, forked, _) = try BranchRuleFixtures.run(on, seed: 2, task: ToyTask())
    #expect(!BranchAtTokenFixtures.forks(forked).isEmpty)
  }

  @Test func theBudgetFollowsTheBranchTokensEntropyNotTheSegmentMean() {
    // Path 0: one very uncertain token in a calm segment (mean low, max high); path 1: evenly
    // unsure (mean higher, max lower). `entropy` favours path 1, `branch-entropy` path 0.
    let scores = [
      PathScore(meanLogprob: -1, lastSegmentEntropy: 0.4, branchEntropy: 2.0),
      PathScore(meanLogprob: -1, lastSegmentEntropy: 0.9, branchEntropy: 0.9),
      PathScore(meanLogprob: -1, lastSegmentEntropy: 0.1, branchEntropy: 0.1),
    ]
    func allocate(_ p: DivergencePolicy, _ total: Int) -> [Int] {
      p.allocate(total: total, scores: scores, w: 2, temperature: 0.5, threshold: 0, topFraction: 0)
    }
    #expect(allocate(.branchEntropy, 8) == [5, 2, 1])
    #expect(allocate(.entropy, 8) == [2, 4, 2])
    for total in 3...16 {
      let a = allocate(.branchEntropy, total)
      #expect(a.reduce(0, +) == total && a.allSatisfy { $0 >= 1 }, "total \(total): \(a)")
      #expect(a[0] >= a[1] && a[1] >= a[2], "total \(total): \(a)")
    }
  }
}
