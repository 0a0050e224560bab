import Foundation
import Testing

// `t` on a model that writes text: the PPO step runs on the engine thread, the Training pane
// shows the step (and its progress while it runs), `w` saves a folder that keeps the tokenizer
// and the chat template. The tiny random chat model always runs; SmolLM2 (two rounds or more, `t`
// on a small batch, so the step takes seconds, not minutes) runs when installed, is skipped with
// a printed reason otherwise, and fails under TREEPO_REQUIRE_REAL_MODEL=1.

@Suite struct LiveTextTrainTests {
  @Test func tinyChatModelTrainsOnTAndSavesItsTokenizer() throws {
    let session = try TmuxSession(
      ["--model", TextLive.tinyModel, "--batch-size", "2", "--n", "4"], width: 120, height: 40)
    defer { session.close() }
    try session.waitForScreen(timeout: 60, "the first round") {
      TextLive.decodedRows($0).count >= 2 && TextLive.statusBar($0)?.contains("idle") == true
    }
    // `t` trains on a finished batch: `r` runs it to the end first.
    try session.send("r")
    try session.waitForText("─ done ┐", timeout: 120)
    try session.send("t")
    let trained = try session.waitForText("step 1", timeout: 120)
    #expect(trained.contains("score") && trained.contains("loss"))
    // The real-model defaults (TrainerConfig.standard(for:)) are not the tiny model's: a
    // 39.7K-parameter model trains with the bundled model's settings.
    #expect(trained.contains("lr 5e-05 · mb 2"), "\(trained)")
    try session.send("w")
    try session.waitForText("weights saved to treepo-weights-step-1", timeout: 30)
    let folder = session.directory.appendingPathComponent("treepo-weights-step-1")
    let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
    #expect(
      files.isSuperset(of: ["config.json", "model.safetensors", "tokenizer.json"]), "\(files)")
    try session.send("q")
    #expect(try session.waitForExit(timeout: 30) == 0)
  }

  @Test(.enabled(if: SmolLM2.runs, "SmolLM2 is not installed"))
  func smolLM2TwoRoundsAndATrainStep() throws {
    #expect(SmolLM2.installed, "TREEPO_REQUIRE_REAL_MODEL=1 but SmolLM2 is not installed")
    let session = try TmuxSession(
      [
        "--model", "smollm2-135m", "--batch-size", "1", "--n", "4", "--response-length", "32",
        "--threads", "2",
      ], width: 120, height: 40)
    defer { session.close() }
    try session.waitForScreen(timeout: 180, "SmolLM2's first round") {
      TextLive.finishedRound($0) == 1 && TextLive.statusBar($0)?.contains("idle") == true
    }
    // The rest of the batch (32 tokens in 16-token segments: a second round at least), then `t`.
    try session.send("r")
    try session.waitForText("─ done ┐", timeout: 300)
    try session.send("t")
    let trained = try session.waitForText("step 1", timeout: 600)
    #expect(trained.contains("lr 3e-05 · mb 1"), "\(trained)")
    try session.send("q")
    try session.waitForText("trained weights not saved: w saves them")
    try session.send("q")
    #expect(try session.waitForExit(timeout: 30) == 0)
  }
}
