import Foundation
import Testing
import TreePOEngine

/// `treepo replay` over a run of several steps (one multi-step trace): `[` `]` move between
/// steps, `/` with `n` searches on across steps, and `--follow` shows a step appended while the
/// explorer runs. Each wait is on the status bar, the frame's last line.
@Suite struct RunReplayTests {
  /// Step `s` (rollout 10·(s+1)): two prompts of four paths; step 20's and 30's second prompts
  /// hold a "needle".
  static func step(_ s: Int) -> [TreeEvent] {
    let rollout = (s + 1) * 10
    let texts = [
      "step \(rollout) sum", s == 0 ? "step \(rollout) plain" : "find a needle \(rollout)",
    ]
    var out: [TreeEvent] = [
      .rolloutStarted(
        RolloutStarted(
          rollout: rollout, sampler: "flat",
          prompts: texts.enumerated().map { PromptInfo(index: $0, text: $1, tokenIds: []) },
          config: [:]))
    ]
    for p in 0..<2 {
      out.append(
        .nodeSpawned(NodeSpawned(prompt: p, node: 0, parent: nil, depth: 0, reason: .root)))
      for i in 1...4 {
        out.append(
          .nodeSpawned(NodeSpawned(prompt: p, node: i, parent: 0, depth: 1, reason: .initial)))
        out.append(
          .segmentDecoded(
            SegmentDecoded(
              prompt: p, node: i, tokenIds: [1, 2, 3], text: "answer \(i) of \(rollout)",
              logprobs: [], entropies: [])))
        let reward: Float = i <= s + 1 ? 1 : 0
        out.append(
          .nodeEnded(
            NodeEnded(prompt: p, node: i, outcome: .finished, reason: "eos", reward: reward)))
      }
    }
    return out
  }

  static func write(steps: Int) throws -> URL {
    let url = URL(fileURLWithPath: NSTemporaryDirectory())
      .appendingPathComponent("treepo-e2e-run-\(UUID().uuidString).jsonl")
    let writer = try TraceWriter(url: url, header: TraceHeader(model: "tiny", task: "arith"))
    for s in 0..<steps { try writer.write(step(s)) }
    writer.close()
    return url
  }

  @Test func bracketsMoveBetweenSteps() throws {
    let url = try Self.write(steps: 3)
    defer { try? FileManager.default.removeItem(at: url) }
    let session = try TmuxSession(["replay", url.path], width: 100, height: 30)
    defer { session.close() }
    let first = try session.waitForText("step 10 (1/3)")
    #expect(first.contains("Steps · 3"))
    #expect(first.contains("step 10 sum"))
    try session.send("]")
    let second = try session.waitForText("step 20 (2/3)")
    #expect(second.contains("▶20"))
    try session.send("]", "]")
    try session.waitForText("at the last step")
    try session.send("[")
    try session.waitForText("step 20 (2/3)")
  }

  @Test func searchGoesOnIntoTheNextSteps() throws {
    let url = try Self.write(steps: 3)
    defer { try? FileManager.default.removeItem(at: url) }
    let session = try TmuxSession(["replay", url.path], width: 100, height: 30)
    defer { session.close() }
    try session.waitForText("step 10 (1/3)")
    try session.send("/", "needle", "Enter")
    let found = try session.waitForText("step 20 (2/3)")
    #expect(found.contains("find a needle 20"))
    try session.send("n")
    let next = try session.waitForText("step 30 (3/3)")
    #expect(next.contains("find a needle 30"))
  }

  @Test func followShowsAStepAppendedWhileOpen() throws {
    let url = try Self.write(steps: 2)
    defer { try? FileManager.default.removeItem(at: url) }
    let session = try TmuxSession(["replay", "--follow", url.path], width: 100, height: 30)
    defer { session.close() }
    try session.waitForText("step 20 (2/2)")
    // The next step as a training run writes it: half a line first (waited for, not an error).
    let bytes = Self.step(2).flatMap { $0.jsonLine() }
    let handle = try FileHandle(forWritingTo: url)
    handle.seekToEndOfFile()
    handle.write(Data(bytes[..<25]))
    Thread.sleep(forTimeInterval: 0.6)
    #expect(try session.screen().contains("step 20 (2/2)"))
    handle.write(Data(bytes[25...]))
    try handle.close()
    let screen = try session.waitForText("step 30 (3/3)")
    #expect(screen.contains("Steps · 3"))
    #expect(!screen.contains("not a valid event"))
  }
}
