import Foundation
import Testing

/// `r` runs the batch to the end; `t` then runs one PPO update on the trees on screen and the
/// Training pane shows the step's metrics and the settings it ran with (`treepo train`'s
/// defaults). `q` then offers to save the weights; `w` writes a model folder and `q` quits.
@Suite struct LiveTrainTests {
  @Test func trainKeyShowsAStepsMetricsThenSavesTheWeights() throws {
    let session = try TmuxSession(Live.arguments, width: 120, height: 40)
    defer { session.close() }
    try Live.waitUntilOpen(session)
    try session.send("r")
    try session.waitForText("─ done ┐", timeout: 120)
    try session.send("t")
    let trained = try session.waitForText("step 1", timeout: 120)
    #expect(trained.contains("score"))
    #expect(trained.contains("loss"))
    #expect(trained.contains("lr 5e-05 · mb 2"))

    try session.send("q")
    try session.waitForText("trained weights not saved: w saves them")
    try session.send("w")
    try session.waitForText("weights saved to treepo-weights-step-1", timeout: 30)
    let folder = session.directory.appendingPathComponent("treepo-weights-step-1")
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    #expect(Set(files).isSuperset(of: ["config.json", "model.safetensors", "tokenizer.json"]))
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: session.directory.path)
      .filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty)
    try session.send("q")
    #expect(try session.waitForExit() == 0)
  }
}
