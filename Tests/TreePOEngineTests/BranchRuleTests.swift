import Testing
import TreePOEngine

// Issue 13's branch rules on the scripted decoder: step-aligned segments
// (tree_segment_boundary=step) and distinct siblings (tree_distinct_siblings).

/// ToyTask whose steps end after a `5` (the toy completions are digits, so steps come often).
struct StepToyTask: ReasoningTask {
  var name: String { "toy-steps" }
  func problem(split: Split, index: Int, size: Int) -> Problem {
    ToyTask().problem(split: split, index: index, size: size)
  }
  func verify(prompt: String, completion: String) -> Verdict {
    ToyTask().verify(prompt: prompt, completion: completion)
  }
  func isViablePrefix(prompt: String, partial: String) -> Bool {
    ToyTask().isViablePrefix(prompt: prompt, partial: partial)
  }
  var stepBoundary: StepBoundary { StepBoundary(endings: ["5"]) }
}

enum BranchRuleFixtures {
  static let tokenizer = RolloutFixtures.tokenizer

  /// Every event of a rollout, plus the sampler (for its trajectories).
  static func run(
    _ config: RolloutConfig, seed: UInt64, task: any ReasoningTask = StepToyTask()
  ) throws -> (TreeSampler, [TreeEvent], ScriptedSegmentDecoder) {
    let d = RolloutFixtures.decoder(seed: seed)
    let s = try TreeSampler(
      decoder: d, task: task, tokenizer: tokenizer, prompts: RolloutFixtures.prompts,
      config: config)
    var events: [TreeEvent] = []
    try s.run { events += $0 }
    return (s, events, d)
  }

  static func segments(_ events: [TreeEvent]) -> [Int: [Int]] {
    var out: [Int: [Int]] = [:]
    for e in events { if case .segmentDecoded(let s) = e { out[s.node] = s.tokenIds } }
    return out
  }

  /// Children by parent, for the siblings created together (the root's first ones, a branch).
  static func siblings(_ events: [TreeEvent]) -> [Int: [Int]] {
    var out: [Int: [Int]] = [:]
    for e in events {
      if case .nodeSpawned(let s) = e, let parent = s.parent,
        s.reason == .initial || s.reason == .divergence
      {
        out[parent, default: []].append(s.node)
      }
    }
    return out
  }
}

@Suite struct BranchRuleTests {
  @Test func stepSegmentsEndAtTheBoundaryWithTheLengthAsCap() throws {
    let five = BranchRuleFixtures.tokenizer.id(of: "5")!
    let eos = BranchRuleFixtures.tokenizer.eosId
    var shortByStep = 0
    for seed: UInt64 in 1...4 {
      var config = RolloutFixtures.config(n: 8, seed: seed)
      config.segmentBoundary = .step
      config.maxDepth = 40
      let (s, events, d) = try BranchRuleFixtures.run(config, seed: seed)
      #expect(s.trajectories.count == 8 * RolloutFixtures.prompts.count, "seed \(seed)")
      #expect(d.livePaths == 0)
      for (node, tokens) in BranchRuleFixtures.segments(events) {
        #expect(tokens.count <= config.segmentLength, "node \(node): \(tokens)")
        // A boundary token only ever ends a segment.
        #expect(!tokens.dropLast().contains(five), "node \(node) runs past a step: \(tokens)")
        if tokens.count < config.segmentLength && tokens.last != eos {
          let ended = tokens.last == five || s.trajectories.contains { $0.nodes.last == node }
          #expect(ended, "node \(node) is short without a step end: \(tokens)")
          if tokens.last == five { shortByStep += 1 }
        }
      }
    }
    #expect(shortByStep > 10, "the rule ended segments early (\(shortByStep) times)")
  }

  @Test func theDefaultIgnoresTheTaskBoundaryAndStepNeedsOne() throws {
    // Fixed segments: a task that declares steps rolls out exactly as one that does not.
    let config = RolloutFixtures.config(n: 6, seed: 2)
    let (_, withSteps, _) = try BranchRuleFixtures.run(config, seed: 2)
    let (_, without, _) = try BranchRuleFixtures.run(config, seed: 2, task: ToyTask())
    #expect(RolloutFixtures.timeless(withSteps) == RolloutFixtures.timeless(without))
    #expect(config.dictionary["tree_segment_boundary"] == nil)
    var step = config
    step.segmentBoundary = .step
    #expect(step.dictionary["tree_segment_boundary"] == "step")
    #expect(CountdownTask().stepBoundary.tokens(of: CharTokenizer()).count == 1)
    #expect(ToyTask().stepBoundary == .none)
    let error = #expect(throws: RolloutConfigError.self) {
      _ = try BranchRuleFixtures.run(step, seed: 2, task: ToyTask())
    }
    #expect(error?.setting == "tree_segment_boundary")
  }

  @Test func distinctSiblingsNeverShareAFirstToken() throws {
    var repeatsWithout = 0
    for seed: UInt64 in 1...4 {
      for distinct in [true, false] {
        var config = RolloutFixtures.config(n: 8, seed: seed, policy: .fixed)
        config.distinctSiblings = distinct
        let (s, events, d) = try BranchRuleFixtures.run(config, seed: seed)
        #expect(s.trajectories.count == 8 * RolloutFixtures.prompts.count)
        #expect(d.livePaths == 0)
        let segments = BranchRuleFixtures.segments(events)
        for (parent, children) in BranchRuleFixtures.siblings(events) where children.count > 1 {
          let firsts = children.compactMap { segments[$0]?.first }
          let distinctCount = Set(firsts).count
          if distinct {
            #expect(distinctCount == firsts.count, "parent \(parent): first tokens \(firsts)")
          } else {
            repeatsWithout += firsts.count - distinctCount
          }
        }
      }
    }
    // Without the rule siblings do repeat each other: the check above can fail.
    #expect(repeatsWithout > 0)
  }

  @Test func distinctSiblingsKeepTheRecordedLogprobsOfThePolicy() throws {
    // The scripted policy gives log p = −2.3 after a 3 and −0.2 elsewhere (stop: −1.5); the
    // without-replacement draw must not change what is recorded.
    var config = RolloutFixtures.config(n: 8, seed: 3, policy: .fixed)
    config.distinctSiblings = true
    let (s, _, _) = try BranchRuleFixtures.run(config, seed: 3)
    let three = BranchRuleFixtures.tokenizer.id(of: "3")!
    let eos = BranchRuleFixtures.tokenizer.eosId
    for t in s.trajectories {
      let context = [t.promptTokens.last!] + t.responseTokens.dropLast()
      for (k, token) in t.responseTokens.enumerated() {
        let expected: Float = token == eos ? -1.5 : (context[k] == three ? -2.3 : -0.2)
        #expect(t.samplingLogprobs[k] == expected, "token \(k) of \(t.responseTokens)")
      }
    }
  }
}
