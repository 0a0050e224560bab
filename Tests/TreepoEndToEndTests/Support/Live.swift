import Foundation

/// Starting the explorer live on the bundled model, small enough to be quick on a loaded machine.
enum Live {
  static let arguments = ["explore", "--batch-size", "2", "--n", "4"]

  /// Waits for the first live frame (the engine may still be starting).
  static func waitUntilOpen(_ session: TmuxSession) throws {
    try session.waitForScreen(timeout: 30, "the live explorer") {
      $0.contains("LIVE") || $0.contains("PAUSED")
    }
  }

  /// The node count in the Tree pane's title ("Tree · prompt 0 ─── 19 nodes · 8 paths").
  static func nodeCount(_ screen: String) -> Int {
    guard let range = screen.range(of: #"(\d+) nodes"#, options: .regularExpression) else {
      return 0
    }
    return Int(screen[range].split(separator: " ")[0]) ?? 0
  }
}
