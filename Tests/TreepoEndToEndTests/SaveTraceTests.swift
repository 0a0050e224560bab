import Foundation
import Testing

/// `s` writes the live session's events as a trace file and says where; `treepo replay` opens it.
@Suite struct SaveTraceTests {
  @Test func saveThenReplay() throws {
    let live = try TmuxSession(Live.arguments, width: 120, height: 40)
    defer { live.close() }
    try Live.waitUntilOpen(live)
    try live.send("Space")
    try live.waitForScreen(timeout: 60, "a decoded round") { Live.nodeCount($0) >= 3 }
    try live.send("s")
    try live.waitForText("Trace saved to treepo-", timeout: 15)
    let saved = try FileManager.default.contentsOfDirectory(atPath: live.directory.path)
      .filter { $0.hasPrefix("treepo-") && $0.hasSuffix(".jsonl") }
    #expect(saved.count == 1)
    let path = live.directory.appendingPathComponent(try #require(saved.first)).path
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    #expect(lines.count > 3, "header and events")
    #expect(lines.first?.contains("\"treepo-trace\"") == true)

    let replay = try TmuxSession(["replay", path], width: 120, height: 40)
    defer { replay.close() }
    let screen = try replay.waitForText("REPLAY")
    #expect(screen.contains("event \(lines.count - 1)/\(lines.count - 1)"))
  }
}
