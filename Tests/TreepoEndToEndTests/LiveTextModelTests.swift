import Foundation
import Testing

// `treepo --model M` on a model that writes text: the first round starts by itself, segments show
// as text with the question on the root row, the token table has the tokens' own texts, and the
// status bar names the model. The tiny random chat model (Tests/TreePOEngineTests/Fixtures/
// tiny-chat-llama) always runs; SmolLM2 runs when `treepo models get smollm2-135m` installed it
// (make test does), is skipped with a printed reason otherwise, and fails under
// TREEPO_REQUIRE_REAL_MODEL=1. The PPO step (`t`) on these models is not asserted here.

enum TextLive {
  static let tinyModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent(
      "TreePOEngineTests/Fixtures/tiny-chat-llama"
    )
    .path

  /// A decoded segment's row in the Tree pane: a guide, a status glyph other than waiting (○),
  /// then text.
  static func decodedRows(_ screen: String) -> [Substring] {
    screen.split(separator: "\n").filter {
      $0.range(of: #"[├└]─[•●✓✗⊘…✂] \S"#, options: .regularExpression) != nil
    }
  }

  /// The round in the Compute pane's title ("┌ Compute ──── round 2 ┐"), 0 before the first.
  static func finishedRound(_ screen: String) -> Int {
    guard let line = screen.split(separator: "\n").first(where: { $0.contains("┌ Compute") }),
      let r = line.range(of: #"round (\d+)"#, options: .regularExpression)
    else { return 0 }
    return Int(line[r].split(separator: " ")[1]) ?? 0
  }

  /// The status bar (the last line) once the frame is whole: it ends with the key hints.
  static func statusBar(_ screen: String) -> Substring? {
    screen.split(separator: "\n").last.flatMap { $0.contains("q quit") ? $0 : nil }
  }
}

@Suite struct LiveTextModelTests {
  @Test func tinyChatModelShowsATreeOfTextSegments() throws {
    let session = try TmuxSession(
      ["--model", TextLive.tinyModel, "--batch-size", "2", "--n", "4"], width: 120, height: 40)
    defer { session.close() }
    // No key pressed: a text model decodes its first round by itself.
    let screen = try session.waitForScreen(timeout: 60, "a tree of decoded text segments") {
      TextLive.decodedRows($0).count >= 2 && TextLive.statusBar($0)?.contains("idle") == true
    }
    let status = try #require(TextLive.statusBar(screen))
    #expect(status.contains("tiny-chat-llama · 39.7K"), "\(status)")
    // The root row is the arith question, not the chat template.
    let root = try #require(screen.split(separator: "\n").first { $0.contains("◆") })
    #expect(!root.contains("<|im_start|>") && root.contains(/[0-9]/), "\(root)")
    // The Path pane shows the template, its newlines as ⏎.
    #expect(screen.contains("<|im_start|>system⏎You are a tiny test model.<|im_end|>⏎"))
    try session.send("j")
    try session.waitForScreen("the token table of the first segment") {
      $0.contains("tok ") && $0.contains(" p     H") && $0.contains("16 tok")
    }
    try session.send("q")
    #expect(try session.waitForExit(timeout: 30) == 0)
    #expect(try session.terminalRestoreProblems() == [])
  }

  /// The issue's shape (4 prompts × 16 paths) on SmolLM2: the first round comes by itself, a
  /// second on space; while it decodes, the progress shows and keys still move the view.
  @Test(.enabled(if: SmolLM2.runs, "SmolLM2 is not installed"))
  func smolLM2DecodesTwoRoundsAndStaysResponsive() throws {
    #expect(SmolLM2.installed, "TREEPO_REQUIRE_REAL_MODEL=1 but SmolLM2 is not installed")
    let session = try TmuxSession(["--model", "smollm2-135m"], width: 120, height: 40)
    defer { session.close() }
    let first = try session.waitForScreen(timeout: 180, "SmolLM2's first round") {
      TextLive.finishedRound($0) == 1 && TextLive.decodedRows($0).count >= 2
    }
    #expect(TextLive.statusBar(first)?.contains("smollm2-135m · 135M") == true)
    try session.send("Space")
    try session.waitForScreen(timeout: 60, "the second round's progress") {
      TextLive.statusBar($0)?.contains("busy · round 2 · ") == true
    }
    // A key while the engine decodes: the view moves to the next prompt at once.
    try session.send("]")
    try session.waitForScreen(timeout: 20, "the next prompt while round 2 decodes") {
      TextLive.statusBar($0)?.contains("prompt 1 (2/4)") == true
    }
    try session.waitForScreen(timeout: 180, "SmolLM2's second round") {
      TextLive.finishedRound($0) == 2 && TextLive.statusBar($0)?.contains("idle") == true
    }
    try session.send("q")
    #expect(try session.waitForExit(timeout: 30) == 0)
  }
}
