import Testing

/// `r` runs the batch to the end; `t` then runs one PPO update on the trees on screen and the
/// Training pane shows the step's metrics.
@Suite struct LiveTrainTests {
  @Test func trainKeyShowsAStepsMetrics() throws {
    let session = try TmuxSession(Live.arguments, width: 120, height: 40)
    defer { session.close() }
    try Live.waitUntilOpen(session)
    try session.send("r")
    try session.waitForText("─ done ┐", timeout: 120)
    try session.send("t")
    let trained = try session.waitForText("step 1", timeout: 120)
    #expect(trained.contains("score"))
    #expect(trained.contains("loss"))
  }
}
