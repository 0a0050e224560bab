import Foundation
import TreePOExplorer
import TreePOTrace

// A small run written to a temporary trace file: three steps of three prompts whose pass rates,
// score spreads and lengths differ, so every sort order and filter of the batch list is visible.

enum RunScenes {
  /// (prompt text, rewards of its paths, characters per path) per prompt, per step.
  typealias Group = (text: String, rewards: [Float], length: Int)

  static let steps: [[Group]] = [
    [
      ("Q1 add 2 and 3", [1, 1, 0, 0], 12), ("Q2 say hello", [1, 1, 1, 1], 30),
      ("Q3 count to 9", [0, 0, 0, 0], 4),
    ],
    [
      ("Q4 divide 8 by 2", [1, 0, 0, 0], 20), ("Q5 spell needle", [0, 0, 0, 0], 8),
      ("Q6 name a colour", [1, 1, 1, 0], 16),
    ],
    [
      ("Q7 double 21", [1, 1, 1, 1], 6), ("Q8 halve 10", [1, 0, 1, 0], 40),
      ("Q9 find the needle", [0, 1, 0, 0], 10),
    ],
  ]

  static func events(step s: Int, rollout: Int? = nil) -> [TreeEvent] {
    let groups = steps[s]
    var out: [TreeEvent] = [
      .rolloutStarted(
        RolloutStarted(
          rollout: rollout ?? (s + 1) * 10, sampler: "flat",
          prompts: groups.enumerated().map { PromptInfo(index: $0, text: $1.text, tokenIds: []) },
          config: ["rollout.n": "4"]))
    ]
    var tokens = 0
    for (p, g) in groups.enumerated() {
      out.append(
        .nodeSpawned(NodeSpawned(prompt: p, node: 0, parent: nil, depth: 0, reason: .root)))
      for (i, reward) in g.rewards.enumerated() {
        let id = i + 1
        let word = reward > 0 ? "right" : "wrong"
        let text = String(String(repeating: "\(word) \(i) ", count: 20).prefix(g.length))
        out.append(
          .nodeSpawned(NodeSpawned(prompt: p, node: id, parent: 0, depth: 1, reason: .initial)))
        out.append(
          .segmentDecoded(
            SegmentDecoded(
              prompt: p, node: id, tokenIds: Array(0..<g.length), text: text, logprobs: [],
              entropies: [])))
        out.append(
          .nodeEnded(
            NodeEnded(
              prompt: p, node: id, outcome: .finished, reason: "eos", reward: reward)))
        tokens += g.length
      }
    }
    var counters = RolloutCounters()
    counters.decodedTokens = tokens
    counters.flatEquivalentTokens = tokens
    out.append(.roundFinished(RoundFinished(round: 1, counters: counters, done: true)))
    return out
  }

  static let header = TraceHeader(model: "tiny", task: "arith")

  /// The run as one trace file (a fresh temporary path per call).
  static func write(steps count: Int = 3) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("treepo-run-\(getpid())-\(UUID().uuidString).jsonl")
    let writer = try TraceWriter(url: url, header: header)
    for s in 0..<count { try writer.write(events(step: s)) }
    writer.close()
    return url
  }

  /// Both ways a step is shown: decoded whole, and per tree (every step over 0 bytes).
  static let wholeOrPerTree = [RunState.defaultWholeStepBytes, 0]

  static func explorer(
    size: Size = Size(width: 80, height: 24),
    wholeStepBytes: Int = RunState.defaultWholeStepBytes
  ) throws -> ExplorerDriver {
    let index = try RunIndex(path: try write().path)
    return ExplorerDriver(run: index, size: size, wholeStepBytes: wholeStepBytes)
  }
}

extension ExplorerDriver {
  init(
    run index: RunIndex, size: Size, wholeStepBytes: Int = RunState.defaultWholeStepBytes
  ) {
    explorer = Explorer.run(index: index, wholeStepBytes: wholeStepBytes)
    self.size = size
    explorer.resize(size)
  }
}
