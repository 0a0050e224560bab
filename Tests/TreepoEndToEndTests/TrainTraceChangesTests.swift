import Foundation
import Testing

// `treepo train` writes each step's trace with the per-node log-probability changes that
// docs/trace-format.md promises for `train_step` (issue 12 item 19): they were always empty.

@Suite struct TrainTraceChangesTests {
  @Test func trainStepEventsCarryEachNodesLogprobChange() throws {
    let dir = try Command.scratch("changes")
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = try Command.treepo([
      "train", "--prompts-per-step", "1", "--n", "2", "--eval-problems", "2", "--eval-every", "0",
      "--steps", "1", "--checkpoints", dir.path, "--run", "r",
    ])
    #expect(run.status == 0, "\(run.output)")
    let trace = dir.appendingPathComponent("r/traces/step_1.jsonl")
    let events = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").compactMap {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
    let decoded = Set(
      events.filter { $0["kind"] as? String == "segment_decoded" }.compactMap { $0["node"] as? Int }
    )
    let step = try #require(events.first { $0["kind"] as? String == "train_step" })
    let changes = try #require(step["changes"] as? [[String: Any]])
    // A change for nodes that were decoded (those on some trained path), each with finite
    // before/after sums of log-probabilities (≤ 0).
    #expect(!changes.isEmpty)
    #expect(Set(changes.compactMap { $0["node"] as? Int }).isSubset(of: decoded))
    for change in changes {
      let before = try #require(change["before"] as? Double)
      let after = try #require(change["after"] as? Double)
      #expect(before.isFinite && after.isFinite && before <= 0 && after <= 0, "\(change)")
    }
  }
}
