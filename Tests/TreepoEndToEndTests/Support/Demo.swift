import Foundation

/// The committed demo trace: one real TreePO batch of the bundled model, recorded by
/// `scripts/record-demo-trace.sh` (`treepo sample --prompts 3 --n 8 --seed 7 --trace`), and how to
/// recognise the explorer showing it. Counts and prompts are read from the file, so re-recording
/// it does not break the tests.
enum Demo {
  static var tracePath: String {
    TreepoBinary.packageRoot().appendingPathComponent("Assets/traces/demo.jsonl").path
  }

  private static var lines: [Substring] {
    ((try? String(contentsOfFile: tracePath, encoding: .utf8)) ?? "")
      .split(separator: "\n")
  }

  /// Events in the trace (every line after the header).
  static var eventCount: Int { max(0, lines.count - 1) }

  /// The first prompt's text in the last `rollout_started` event (shown at the end of the trace).
  static var lastRolloutFirstPrompt: String {
    guard let line = lines.last(where: { $0.contains("\"rollout_started\"") }),
      let start = line.range(of: "\"text\":\"")
    else { return "" }
    let rest = line[start.upperBound...]
    return String(rest.prefix { $0 != "\"" })
  }

  static var replayArguments: [String] { ["replay", tracePath] }

  /// Waits for the first frame: the status bar in replay mode at the end of the trace.
  static func waitUntilOpen(_ session: TmuxSession) throws {
    try session.waitForText("event \(grouped(eventCount))/\(grouped(eventCount))")
  }

  /// 1234 → "1,234", as the status bar writes counts.
  static func grouped(_ n: Int) -> String {
    let digits = String(n)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return out
  }
}
