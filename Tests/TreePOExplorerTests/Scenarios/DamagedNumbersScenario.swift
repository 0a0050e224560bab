import Testing
import TreePOExplorer
import TreePOTrace

// Numbers a damaged trace or a diverged model can carry — NaN, ±inf, 1e30 — render as "nan",
// "inf" or "3.0e19" in every pane and colouring; none may trap the renderer (issue 12, item 2).

private var damaged: [TreeEvent] {
  var round = RolloutCounters()
  round.decodedTokens = 90
  round.flatEquivalentTokens = 150
  round.elapsedSeconds = .leastNonzeroMagnitude  // a rate of ~2e325 tok/s: not an Int
  return Scenes.finishedBatch + [
    Scenes.spawn(9, 6, depth: 4, .divergence),
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: 9, tokenIds: [1, 2, 3], text: "abc", logprobs: [.nan, -1e30, .infinity],
        entropies: [.nan, 1e30, -.infinity])),
    Scenes.end(9, .finished, "terminator", reward: .nan),
    .roundFinished(RoundFinished(round: 5, counters: round, done: true)),
    .advantagesAssigned(
      AdvantagesAssigned(
        estimator: "tree", nodes: [NodeAdvantage(prompt: 0, node: 9, advantage: .nan)])),
    .trainStep(
      TrainStepFinished(
        step: 2,
        metrics: [
          "critic/score/mean": .nan, "actor/pg_loss": 1e30, "actor/grad_norm": 3e19,
          "actor/entropy": 1e30, "actor/ppo_kl": -.infinity,
        ],
        changes: [NodeLogprobChange(prompt: 0, node: 9, before: .nan, after: 1e30)])),
  ]
}

@Test func nanAndHugeNumbersRenderInEveryPane() {
  for size in [Size(width: 80, height: 24), Size(width: 140, height: 45)] {
    var d = ExplorerDriver(size: size)
    d.feed(damaged)
    d.type("G")  // the last row
    d.type("/abc")
    d.press(.enter)  // node 9
    #expect(d.explorer.selectedNode == 9)
    for _ in Colouring.allCases {
      let screen = d.screen
      #expect(screen.contains("nan"))
      d.type("c")
    }
  }
}

@Test func nanTraceReplaysAtEveryPosition() {
  let header = TraceHeader(model: "tiny", task: "countdown")
  var d = ExplorerDriver(
    .replay(events: damaged, header: header), size: Size(width: 100, height: 30))
  d.press(.home)
  for _ in 0..<damaged.count {
    d.type(">G")
    _ = d.screen
  }
  #expect(d.explorer.timeline?.position == damaged.count)
}

@Test func hugeFiniteNumbersFormatWithoutOverflow() {
  var d = ExplorerDriver(size: Size(width: 100, height: 30))
  var events = Scenes.finishedBatch
  events.append(
    .trainStep(
      TrainStepFinished(
        step: 2,
        metrics: ["actor/grad_norm": 3e19, "actor/entropy": -1e300, "actor/pg_loss": 9.2e18],
        changes: [])))
  d.feed(events)
  let screen = d.screen
  #expect(screen.contains("grad 3.0e19"))
  #expect(screen.contains("entropy -1.0e300"))
}
