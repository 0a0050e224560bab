import Testing
import TreePOEngine

// A toy task and a scripted decoder: completions are digits ending with `$`; the reward is 1 when
// the completion holds an odd number of 7s. The rule makes the entropy high after a 3 (a "choice
// point") and low elsewhere, and ends a completion with a chance growing with its length.

struct ToyTask: ReasoningTask {
  var name: String { "toy" }
  func problem(split: Split, index: Int, size: Int) -> Problem {
    Problem(prompt: "\(index % 10)>", reference: "7$", size: size)
  }
  func verify(prompt: String, completion: String) -> Verdict {
    guard completion.hasSuffix("$") else { return .wrong(.unfinished) }
    if completion.contains(" ") { return .wrong(.format) }
    return completion.filter { $0 == "7" }.count % 2 == 1 ? .correct : .wrong(.wrongTarget)
  }
  /// "99" can never become correct (a made-up rule, so the prune has something to do).
  func isViablePrefix(prompt: String, partial: String) -> Bool { !partial.contains("99") }
}

enum RolloutFixtures {
  static let tokenizer = CharTokenizer()
  static let prompts = ["1 2>", "3>", "4 5 6>"]

  static func decoder(seed: UInt64, meanLength: Float = 14, maxPositions: Int = 128)
    -> ScriptedSegmentDecoder
  {
    let eos = tokenizer.eosId
    let digit0 = tokenizer.id(of: "0")!
    let three = tokenizer.id(of: "3")!
    let promptEnd = tokenizer.id(of: ">")!
    return ScriptedSegmentDecoder(maxPositions: maxPositions, stopTokens: [eos], seed: seed) {
      tokens, draw in
      let start = (tokens.lastIndex(of: promptEnd) ?? 0) + 1
      let length = tokens.count - start
      let uncertain = tokens.last == three
      let stopChance = Float(length) / (2 * meanLength) * 0.25
      if length > 0 && draw < stopChance {
        return .init(token: eos, logprob: -1.5, entropy: uncertain ? 2.0 : 0.1)
      }
      let u = (draw - stopChance) / (1 - stopChance)
      return .init(
        token: digit0 + min(Int(u * 10), 9), logprob: uncertain ? -2.3 : -0.2,
        entropy: uncertain ? 2.0 : 0.1)
    }
  }

  static func config(n: Int = 8, seed: UInt64 = 1, policy: DivergencePolicy = .entropy)
    -> RolloutConfig
  {
    var c = RolloutConfig()
    c.n = n
    c.seed = seed
    c.segmentLength = 4
    c.maxDepth = 10
    c.maxResponseTokens = 40
    c.divergencePolicy = policy
    return c
  }

  static func sampler(
    _ config: RolloutConfig, decoder: ScriptedSegmentDecoder, kind: SamplerKind = .tree,
    prompts: [String] = prompts
  ) throws -> TreeSampler {
    try TreeSampler(
      decoder: decoder, task: ToyTask(), tokenizer: tokenizer, prompts: prompts, config: config,
      kind: kind)
  }

  /// Events with wall-clock times zeroed, for determinism checks.
  static func timeless(_ events: [TreeEvent]) -> [TreeEvent] {
    events.map { e in
      guard case .roundFinished(var r) = e else { return e }
      r.counters.elapsedSeconds = 0
      return .roundFinished(r)
    }
  }

  static func lastCounters(_ events: [TreeEvent]) -> RolloutCounters? {
    for e in events.reversed() { if case .roundFinished(let r) = e { return r.counters } }
    return nil
  }
}

@Suite struct TreeSamplerTests {
  @Test(arguments: [DivergencePolicy.fixed, .logprob, .entropy, .entropyGated])
  func everyPromptGetsExactlyNTrajectories(policy: DivergencePolicy) throws {
    for seed: UInt64 in 1...4 {
      for n in [1, 5, 16] {
        let decoder = RolloutFixtures.decoder(seed: seed)
        let sampler = try RolloutFixtures.sampler(
          RolloutFixtures.config(n: n, seed: seed, policy: policy), decoder: decoder)
        let trajectories = try sampler.run()
        for p in RolloutFixtures.prompts.indices {
          #expect(
            trajectories.filter { $0.prompt == p }.count == n,
            "policy \(policy.rawValue), seed \(seed), n \(n), prompt \(p)")
        }
        #expect(sampler.summary.shortfalls.isEmpty)
        #expect(decoder.livePaths == 0, "every path is freed at the end")
      }
    }
  }

  @Test func trajectoriesMatchTheirTreePaths() throws {
    let decoder = RolloutFixtures.decoder(seed: 3)
    let sampler = try RolloutFixtures.sampler(RolloutFixtures.config(n: 8), decoder: decoder)
    var segments: [Int: [Int]] = [:]
    var parents: [Int: Int] = [:]
    try sampler.run { events in
      for e in events {
        if case .segmentDecoded(let s) = e { segments[s.node] = s.tokenIds }
        if case .nodeSpawned(let s) = e, let p = s.parent { parents[s.node] = p }
      }
    }
    for t in sampler.trajectories {
      #expect(t.segmentLengths.reduce(0, +) == t.responseTokens.count)
      #expect(t.samplingLogprobs.count == t.responseTokens.count)
      #expect(t.nodes.flatMap { segments[$0]! } == t.responseTokens)
      for (a, b) in zip(t.nodes, t.nodes.dropFirst()) { #expect(parents[b] == a) }
      let text = RolloutFixtures.tokenizer.decode(t.responseTokens)
      #expect(t.reward == ToyTask().verify(prompt: "", completion: text).reward)
    }
  }

  @Test func aSeedDeterminesTheWholeRollout() throws {
    func events(_ seed: UInt64) throws -> [TreeEvent] {
      var config = RolloutFixtures.config(n: 6, seed: seed)
      config.maxInitialDivergence = 4
      let sampler = try RolloutFixtures.sampler(
        config, decoder: RolloutFixtures.decoder(seed: seed))
      var all: [TreeEvent] = []
      try sampler.run { all += $0 }
      return RolloutFixtures.timeless(all)
    }
    let a = try events(9)
    #expect(a == (try events(9)))
    #expect(a != (try events(10)))
  }

  @Test func accountingAddsUp() throws {
    // Without prunes every decoded position is reused by each leaf below it, so the flat cost is
    // what was decoded plus what was shared, minus the boundary token re-fed at each cut.
    var config = RolloutFixtures.config(n: 12, policy: .fixed)
    config.repetition = .stop
    let decoder = RolloutFixtures.decoder(seed: 5)
    let sampler = try RolloutFixtures.sampler(config, decoder: decoder)
    var events: [TreeEvent] = []
    try sampler.run { events += $0 }
    let c = try #require(RolloutFixtures.lastCounters(events))
    #expect(c.pruned == 0)
    var cutChildren = 0
    var cuts: [Int: Int] = [:]  // cut node → depth
    for e in events { if case .fallback(let f) = e { cuts[f.cutNode] = f.cutDepth } }
    for e in events {
      if case .nodeSpawned(let s) = e, s.reason == .fallback, let p = s.parent,
        (cuts[p] ?? 0) > 0
      {
        cutChildren += 1
      }
    }
    #expect(c.flatEquivalentTokens == c.decodedTokens + c.sharedPrefixTokens - cutChildren)
    #expect(c.decodedTokens < c.flatEquivalentTokens)
    #expect(c.decodedTokens == decoder.forwardedPositions)
    #expect(c.finished + c.stopped + c.truncated == 12 * RolloutFixtures.prompts.count)
  }

  @Test func roundsAreEventedInOrder() throws {
    let sampler = try RolloutFixtures.sampler(
      RolloutFixtures.config(n: 4), decoder: RolloutFixtures.decoder(seed: 2))
    let first = try sampler.step()
    guard case .rolloutStarted(let started) = first.first else {
      Issue.record("the first event is \(String(describing: first.first))")
      return
    }
    #expect(started.sampler == "tree" && started.prompts.count == 3)
    #expect(started.config["rollout.n"] == "4" && started.config["tree_div_policy"] == "entropy")
    let roots = first.compactMap { e -> NodeSpawned? in
      if case .nodeSpawned(let s) = e, s.reason == .root { return s }
      return nil
    }
    #expect(roots.map(\.depth) == [0, 0, 0] && roots.allSatisfy { $0.parent == nil })
    guard case .roundFinished(let r) = first.last else {
      Issue.record("a round ends with roundFinished")
      return
    }
    #expect(r.round == 1 && !r.done)
    // Every node decodes after it is spawned and ends or branches after it decodes.
    var spawned = Set<Int>(roots.map(\.node))
    var decoded = Set<Int>(roots.map(\.node))
    var events = first
    while !sampler.isDone { events += try sampler.step() }
    for e in events {
      switch e {
      case .nodeSpawned(let s):
        #expect(s.parent.map { decoded.contains($0) } ?? true)
        spawned.insert(s.node)
      case .segmentDecoded(let s):
        #expect(spawned.contains(s.node))
        decoded.insert(s.node)
      case .nodeEnded(let s): #expect(decoded.contains(s.node))
      default: break
      }
    }
    #expect(try sampler.step().isEmpty, "a finished rollout has nothing more to say")
  }

  @Test func badSettingsAndPromptsAreNamed() throws {
    var config = RolloutFixtures.config()
    config.divergence = 0
    #expect(throws: RolloutConfigError.self) {
      try RolloutFixtures.sampler(config, decoder: RolloutFixtures.decoder(seed: 1))
    }
    do {
      _ = try RolloutFixtures.sampler(config, decoder: RolloutFixtures.decoder(seed: 1))
    } catch {
      #expect("\(error)" == "tree_fixed_step_div is 0; it must be at least 1")
    }
    do {
      _ = try RolloutFixtures.sampler(
        RolloutFixtures.config(), decoder: RolloutFixtures.decoder(seed: 1), prompts: ["1?>"])
      Issue.record("an unknown character is accepted")
    } catch {
      #expect("\(error)".contains("prompt 0 (\"1?>\")"))
    }
  }

  @Test func theTokenCapEndsTheRolloutAndIsReported() throws {
    var config = RolloutFixtures.config(n: 16)
    config.maxTotalTokens = 60
    let sampler = try RolloutFixtures.sampler(config, decoder: RolloutFixtures.decoder(seed: 4))
    try sampler.run()
    #expect(sampler.tokenCapHit)
    #expect(!sampler.summary.shortfalls.isEmpty)
    #expect(sampler.summary.shortfalls[0].contains("token cap"))
  }
}

@Suite struct TreeSamplerAbandonTests {
  @Test func abandoningMidRolloutFreesEveryPath() throws {
    let decoder = RolloutFixtures.decoder(seed: 2)
    let sampler = try RolloutFixtures.sampler(RolloutFixtures.config(n: 8), decoder: decoder)
    _ = try sampler.step()
    _ = try sampler.step()
    #expect(decoder.livePaths > 0)
    sampler.abandon()
    #expect(decoder.livePaths == 0 && sampler.isDone)
    #expect(try sampler.step().isEmpty)
  }
}
