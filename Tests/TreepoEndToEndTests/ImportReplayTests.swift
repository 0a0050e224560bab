import Foundation
import Testing

/// `treepo import verl` on the TreePO-fork fixture folder (Tests/TreePOEngineTests/Fixtures/import,
/// written by scripts/make_import_fixtures.py), then `treepo replay` of the result: the rebuilt tree
/// is drawn, fallback marks included, and its steps are browsable.
@Suite struct ImportReplayTests {
  @Test func importedTreeOpensInReplay() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "TreePOEngineTests/Fixtures/import/verl-tree"
      )
      .path
    let out = NSTemporaryDirectory() + "treepo-e2e-import-\(UUID().uuidString).jsonl"
    defer { unlink(out) }
    let (status, output) = try Spawn.run([
      try TreepoBinary.path(), "import", "verl", fixtures, "-o", out,
    ])
    #expect(status == 0, "import failed: \(output)")
    #expect(output.contains("skipped 4 bad line(s)"))
    #expect(output.contains("2.jsonl: line 6 is cut short"))
    let session = try TmuxSession(["replay", out], width: 120, height: 40)
    defer { session.close() }
    // Three steps (1, 2, 5): a run, opened at its first step's complete tree.
    try session.waitForText("step 1 (1/3)")
    // Polled until the whole tree is drawn (a loaded machine can catch a frame half-painted).
    let screen = try session.waitForScreen("the first step's tree") {
      $0.contains("11 nodes · 6 paths") && $0.contains("Then y=4.") && $0.contains("Done 3.")
    }
    #expect(screen.contains("↺ Thus 5!!"), "the fallback path hangs from the cut node")
    #expect(screen.contains("Steps · 3"))
    try session.send("]", "]")
    try session.waitForText("step 5 (3/3)")
  }

  /// `treepo replay` on the verl dump folder itself: imported into a temporary trace (the skipped
  /// lines said on stderr), the same run opens, and nothing is left behind after `q`.
  @Test func verlDumpFolderOpensInReplayDirectly() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "TreePOEngineTests/Fixtures/import/verl-tree"
      )
      .path
    let before = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
      .filter { $0.hasPrefix("treepo-replay-") }
    let session = try TmuxSession(["replay", fixtures], width: 120, height: 40)
    defer { session.close() }
    try session.waitForText("step 1 (1/3)")
    let screen = try session.waitForScreen("the first step's tree") {
      $0.contains("11 nodes · 6 paths") && $0.contains("Then y=4.") && $0.contains("Done 3.")
    }
    #expect(screen.contains("Steps · 3"))
    try session.send("]", "]")
    try session.waitForText("step 5 (3/3)")
    try session.send("q")
    #expect(try session.waitForExit(timeout: 30) == 0)
    let after = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
      .filter { $0.hasPrefix("treepo-replay-") }
    #expect(Set(after).subtracting(before).isEmpty, "left behind: \(after)")
  }

  /// `--follow` on a verl dump cannot follow it (verl writes its own format): one sentence.
  @Test func followOnAVerlDumpIsOneSentence() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(
        "TreePOEngineTests/Fixtures/import/verl-tree"
      )
      .path
    let (status, output) = try Spawn.run([try TreepoBinary.path(), "replay", fixtures, "--follow"])
    #expect(status != 0)
    #expect(output.contains("is a verl rollout dump"), "\(output)")
    #expect(!output.contains("Fatal error"), "\(output)")
  }
}
