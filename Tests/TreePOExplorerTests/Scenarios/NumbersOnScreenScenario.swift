import Testing
import TreePOExplorer
import TreePOTrace

// The panes show what the engine did (issue 12, items 17 and 18 and the small things): "saved"
// only once the batch is done, ✓+✗ counting every trajectory, the trainer's settings, the prompts
// out of view, why a node branched, and which event a replay step applied.

@Test func savedShowsADashUntilTheBatchIsDone() {
  var d = ExplorerDriver()
  var events = Scenes.midRollout
  // Mid-batch: few finished paths, many decoded tokens — the old ratio read −900%.
  events.append(Scenes.round(2, decoded: 400, flat: 40, active: 3))
  d.feed(events)
  #expect(d.line(containing: "saved — ") != nil)
  #expect(d.line(containing: "saved")?.contains("%") == false)
  d.feed([Scenes.round(3, decoded: 81, flat: 150, active: 0, done: true)])
  #expect(d.line(containing: "saved 46%") != nil)
}

@Test func aLossAgainstFlatIsDrawnRed() {
  var d = ExplorerDriver()
  d.feed(Scenes.midRollout + [Scenes.round(2, decoded: 300, flat: 150, active: 0, done: true)])
  let y = d.lines.firstIndex { $0.contains("saved -100%") }!
  let x = Array(d.lines[y]).firstIndex(of: "-")!
  #expect(d.grid[x, y].style.foreground == .red)
}

@Test func batchCountsEveryTrajectoryAndMarksHiddenPrompts() {
  var d = ExplorerDriver(size: Size(width: 80, height: 24))
  var events = Scenes.finishedBatch
  // A third prompt, so the 80×24 Batch pane (one row) has prompts out of view.
  if case .rolloutStarted(var started) = events[0] {
    started.prompts.append(PromptInfo(index: 2, text: "2 2>4:", tokenIds: [1, 2]))
    events[0] = .rolloutStarted(started)
  }
  d.feed(events)
  // Prompt 0: ✓ node 6; ✗ node 7 (wrong) and node 8 (truncated); prompt 1: ✓ 101, ✗ 102 (stopped).
  #expect(d.line(containing: "✓1 ✗2") != nil)
  #expect(d.line(containing: "↓ 2 more") != nil)
  d.type("]]")
  #expect(d.line(containing: "↑ 2 more") != nil)
  #expect(d.line(containing: "tok/s") != nil)
}

@Test func trainingPaneShowsTheSettingsUsed() {
  // What `treepo explore` passes (TrainerConfig.standard.summary, pinned in the engine's tests).
  var d = ExplorerDriver(settings: ["actor.optim.lr": "5e-05", "actor.ppo_mini_batches": "2"])
  d.feed(Scenes.midRollout)
  #expect(d.line(containing: "lr 5e-05 · mb 2") != nil)
  d.feed([
    .trainStep(TrainStepFinished(step: 1, metrics: ["actor/lr": 5e-5], changes: []))
  ])
  #expect(d.line(containing: "step 1 · lr 5e-05 · mb 2") != nil)
}

@Test func nodeDetailSaysWhyItBranched() {
  var d = ExplorerDriver(size: Size(width: 150, height: 40))
  d.feed(Scenes.finishedBatch)
  d.type("j")  // node 1: hot start, branched into 3, 4 and (fallback) 8
  #expect(d.line(containing: "branched ×3 (↺ fallback) · H̄ rank 1/2 in round 1") != nil)
  d.type("j")  // node 3: one child, calm, round 2 with node 4
  #expect(d.line(containing: "branched ×1 · H̄ rank 1/2 in round 2") != nil)
}

@Test func replayStepsSayWhichEventTheyApplied() {
  let header = TraceHeader(model: "tiny", task: "countdown")
  var d = ExplorerDriver(
    .replay(events: Scenes.finishedBatch, header: header), size: Size(width: 100, height: 30))
  d.press(.home)
  d.type(">")
  #expect(d.line(containing: "applied: rollout_started 0 (2 prompts, tree)") != nil)
  d.type(">>>")
  #expect(d.line(containing: "event 4/36") != nil)
  #expect(d.line(containing: "applied: node_spawned prompt 0 node 2 under 0") != nil)
  d.type("<")
  #expect(d.line(containing: "undid: node_spawned prompt 0 node 2 under 0") != nil)
  d.type("}")
  #expect(d.line(containing: "applied: round_finished 1") != nil)
  d.type("{")
  #expect(d.line(containing: "undid 13 events; last applied: rollout_started 0") != nil)
}
