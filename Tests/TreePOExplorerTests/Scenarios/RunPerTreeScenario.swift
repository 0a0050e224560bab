import Foundation
import Testing
import TreePOExplorer
import TreePOTrace

// A big step is shown per tree: only the shown prompt's tree is in memory, it is the same tree a
// whole decode builds, and the batch list's numbers (from the index) are the ones the trees give.
// A damaged line is named in the status bar.

private func syntheticRun() throws -> (URL, RunIndex) {
  let synthetic = SyntheticTrace(prompts: 5, width: 6, rollouts: 2, seed: 3)
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-per-tree-\(getpid())-\(UUID().uuidString).jsonl")
  let writer = try TraceWriter(url: url, header: synthetic.header)
  try writer.write(synthetic.events())
  writer.close()
  return (url, try RunIndex(path: url.path))
}

@Suite struct RunPerTreeScenario {
  @Test func onlyTheShownTreeIsDecodedAndItIsTheWholeDecodesTree() throws {
    let (url, index) = try syntheticRun()
    defer { try? FileManager.default.removeItem(at: url) }
    var whole = ExplorerDriver(run: index, size: Size(width: 100, height: 30))
    var lazy = ExplorerDriver(run: index, size: Size(width: 100, height: 30), wholeStepBytes: 0)
    #expect(lazy.explorer.run?.perTree == true && whole.explorer.run?.perTree == false)
    for step in 0..<2 {
      let full = try #require(whole.explorer.rollout)
      #expect(lazy.explorer.batchStats.count == full.prompts.count)
      for (p, stats) in lazy.explorer.batchStats.enumerated() {
        let expected = PromptStats(full.prompts[p], position: p)
        #expect(stats.paths == expected.paths && stats.passed == expected.passed)
        #expect(stats.cut == expected.cut && stats.length == expected.length)
        #expect(abs(stats.spread - expected.spread) < 1e-9, "step \(step) prompt \(p)")
      }
      for _ in 0..<3 where lazy.explorer.state.focus != .batch { lazy.press(.tab) }
      #expect(lazy.explorer.state.focus == .batch)
      for (k, p) in lazy.explorer.batchOrder.enumerated() {
        // j in the batch list: the next prompt's tree is read after the key.
        if k > 0 { lazy.type("j") }
        #expect(lazy.explorer.state.promptPosition == p)
        let shown = try #require(lazy.explorer.rollout)
        #expect(shown.prompts[p].nodes == full.prompts[p].nodes, "step \(step) prompt \(p)")
        #expect(shown.prompts.filter { !$0.nodes.isEmpty }.count == 1, "one tree in memory")
      }
      whole.type("]")
      lazy.type("]")
      #expect(lazy.explorer.run?.step == 1)
    }
  }

  @Test func aDamagedLineIsNamedInTheStatusBar() throws {
    let (url, _) = try syntheticRun()
    defer { try? FileManager.default.removeItem(at: url) }
    var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let second = lines.lastIndex { $0.hasPrefix("{\"kind\":\"rollout_started\"") }!
    let segment = lines.indices.first {
      $0 > second && lines[$0].hasPrefix("{\"kind\":\"segment_decoded\"")
    }!
    lines[segment] = String(lines[segment].prefix(50))
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    var d = ExplorerDriver(
      run: try RunIndex(path: url.path), size: Size(width: 160, height: 30), wholeStepBytes: 0)
    #expect(
      d.explorer.state.message?.hasPrefix(
        "1 of 2 steps have damaged lines; first: step 1, line \(segment + 1) is not a valid event")
        == true)
    d.type("]")
    #expect(d.explorer.state.message?.hasPrefix("line \(segment + 1) is not a valid event") == true)
    #expect(d.screen.contains("line \(segment + 1) is not a valid event"))
    // The step list marks the damaged step (the second) and only it.
    let rows = d.screen.split(separator: "\n").filter { $0.contains("r̄") }
    #expect(rows.count == 2 && !rows[0].contains("⚠") && rows[1].contains("⚠1 "), "\(rows)")
  }
}
