import Foundation
import Testing

/// A replayed tree whose paths run to 16,000 tokens (BPE-like token texts with CJK and newlines,
/// written by `bench render-paths --write-trace`): the Path pane keeps the selected end in view,
/// `U` shows the prompt, `d` pages down from it, `D` returns to the end — in the real terminal.
@Suite struct LongPathReplayTests {
  @Test func pagesThroughALongPath() throws {
    let dir = try Command.scratch("long-path")
    defer { try? FileManager.default.removeItem(at: dir) }
    let trace = dir.appendingPathComponent("long.jsonl").path
    let written = try Command.treepo([
      "bench", "render-paths", "--tokens", "16000", "--write-trace", trace,
    ])
    #expect(written.status == 0, "\(written.output)")
    let session = try TmuxSession(["replay", trace], width: 120, height: 40)
    defer { session.close() }
    try session.waitForText("REPLAY")
    // The bottom row: a leaf whose path holds segments of 2,000 tokens, far more than two rows.
    try session.send("G")
    try session.waitForText("u scrolls up")
    try session.send("U")
    let start = try session.waitForText("D end")
    // Row 36 is the Path pane's first: the synthetic prompt ("d d d d>d:"), then "┊".
    let first = start.split(separator: "\n", omittingEmptySubsequences: false)[36]
    #expect(try Regex(#"^│\d \d \d \d>\d:┊"#).firstMatch(in: String(first)) != nil, "\(start)")
    try session.send("d")
    let next = try session.waitForScreen("the next page") {
      $0.split(separator: "\n", omittingEmptySubsequences: false)[36] != first
    }
    #expect(next.contains("D end"))
    try session.send("D")
    try session.waitForScreen("the view of the end") {
      $0.contains("u scrolls up") && !$0.contains("D end")
    }
  }
}
