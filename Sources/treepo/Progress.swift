// The progress line of long commands on stderr: a bar, the caller's fields (step, loss, tokens/s…)
// and the ETA. On a terminal it redraws one line (at most 10 times a second); otherwise (logs, CI)
// it prints a plain line every 10 seconds, so logs stay readable.

import Foundation

final class ProgressLine {
  private let label: String
  private let start = Date()
  private var lastDraw = Date.distantPast
  private let interactive = isatty(STDERR_FILENO) != 0
  private var drewInPlace = false

  init(label: String) { self.label = label }

  var elapsed: TimeInterval { Date().timeIntervalSince(start) }

  /// Redraws with `fraction` done (0...1) and `fields` like ["step 10/100", "loss 1.23"].
  func update(fraction: Double, fields: [String], force: Bool = false) {
    let now = Date()
    guard force || now.timeIntervalSince(lastDraw) >= (interactive ? 0.1 : 10) else { return }
    lastDraw = now
    let f = min(max(fraction, 0), 1)
    let width = 20
    let filled = Int((Double(width) * f).rounded(.down))
    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
    let eta = f > 0.001 ? Self.duration(elapsed * (1 - f) / f) : "?"
    let text =
      "\(label) [\(bar)] \(String(format: "%3.0f%%", 100 * f))  " + fields.joined(separator: "  ")
      + "  elapsed \(Self.duration(elapsed))  ETA \(eta)"
    if interactive {
      FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
      drewInPlace = true
    } else {
      FileHandle.standardError.write(Data((text + "\n").utf8))
    }
  }

  /// Prints a line of its own (e.g. a periodic evaluation) without breaking the bar.
  func note(_ line: String) {
    endLine()
    FileHandle.standardError.write(Data((line + "\n").utf8))
    lastDraw = .distantPast
  }

  /// Ends the in-place line so the summary starts on a fresh one.
  func endLine() {
    if drewInPlace { FileHandle.standardError.write(Data("\n".utf8)) }
    drewInPlace = false
  }

  /// `1h02m`, `4m05s`, `12s`.
  static func duration(_ seconds: TimeInterval) -> String {
    let s = Int(seconds.rounded())
    if s >= 3600 { return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60) }
    if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
    return "\(s)s"
  }
}
