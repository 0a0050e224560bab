/// The committed synthetic demo trace (3 prompts, 2 rollouts, 371 events; written from
/// `SyntheticTrace(prompts: 3, width: 8, segmentLength: 6, maxDepth: 5, rollouts: 2, seed: 7)`)
/// and how to recognise the explorer showing it.
enum Demo {
  static var tracePath: String {
    TreepoBinary.packageRoot().appendingPathComponent("Assets/traces/synthetic-demo.jsonl").path
  }
  static let eventCount = 371

  static var replayArguments: [String] { ["replay", tracePath] }

  /// Waits for the first frame: the status bar in replay mode at the end of the trace.
  static func waitUntilOpen(_ session: TmuxSession) throws {
    try session.waitForText("event \(eventCount)/\(eventCount)")
  }
}
