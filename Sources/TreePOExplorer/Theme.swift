import Foundation
import TreePOTrace

// Glyphs and styles in one place. Meaning never rests on colour alone: every status has a glyph,
// advantages carry their sign, and token heat is also bold/underline (NO_COLOR keeps those).

enum Theme {
  static let dim = Style(foreground: .brightBlack)
  /// A chat prompt's own words (its template markup is dim).
  static let promptText = Style(foreground: .cyan)
  static let label = Style(foreground: .brightBlack)
  static let title = Style(bold: true)
  static let positive = Style(foreground: .green)
  static let negative = Style(foreground: .red)
  static let warning = Style(foreground: .yellow, bold: true)
  static let error = Style(foreground: .brightWhite, background: .red, bold: true)
  static let match = Style(foreground: .yellow, underline: true)
  static let statusBar = Style(foreground: .black, background: .white)

  static func glyph(_ status: NodeStatus) -> (Character, Style) {
    switch status {
    case .root: ("◆", Style(bold: true))
    case .waiting: ("○", Style(foreground: .brightBlack))
    case .active: ("●", Style(foreground: .cyan, bold: true))
    case .branched: ("•", Style(foreground: .brightBlack))
    case .finished(correct: true): ("✓", Style(foreground: .green, bold: true))
    case .finished(correct: false): ("✗", Style(foreground: .red, bold: true))
    case .stopped: ("⊘", Style(foreground: .magenta))
    case .truncated: ("…", Style(foreground: .yellow))
    case .pruned: ("✂", Style(foreground: .brightBlack))
    }
  }

  static let fallbackGlyph: Character = "↺"
  static let fallbackStyle = Style(foreground: .blue, bold: true)
  /// After a segment that was cut at its highest-entropy token: the branch point inside it.
  static let forkGlyph: Character = "⑂"

  /// Heat 0 (calm) … 2 (hot) for a token's entropy in nats.
  static func heat(entropy: Float) -> Int { entropy >= 0.5 ? 2 : entropy >= 0.15 ? 1 : 0 }
  /// Heat for a token's probability: improbable tokens are hot.
  static func heat(logprob: Float) -> Int {
    let p = exp(logprob)
    return p < 0.5 ? 2 : p < 0.9 ? 1 : 0
  }

  static func heatStyle(_ heat: Int) -> Style {
    switch heat {
    case 2: Style(foreground: .brightRed, bold: true, underline: true)
    case 1: Style(foreground: .yellow, underline: true)
    default: .plain
    }
  }

  static func advantageStyle(_ a: Float?) -> Style {
    guard let a else { return .plain }
    if a > 0.05 { return Style(foreground: .green, bold: a > 0.5) }
    if a < -0.05 { return Style(foreground: .red, bold: a < -0.5) }
    return .plain
  }

  /// One block per entropy level, "▁" calm … "█" very uncertain (mean nats over 0…1.2).
  static func entropyBar(_ e: Float?) -> Character {
    guard let e, !e.isNaN else { return " " }
    let bars = Array("▁▂▃▄▅▆▇█")
    return bars[clampedIndex(Double(e) / 1.2 * Double(bars.count - 1), count: bars.count)]
  }

  static func sparkline(_ values: [Double], width: Int) -> String {
    let tail = Array(values.suffix(width)).filter(\.isFinite)
    guard let lo = tail.min(), let hi = tail.max() else { return "" }
    let bars = Array("▁▂▃▄▅▆▇█")
    return String(
      tail.map { v in
        // (hi − lo) can overflow to inf for huge values; clampedIndex keeps that total.
        hi - lo < 1e-12 ? bars[3] : bars[clampedIndex((v - lo) / (hi - lo) * 7, count: 8)]
      })
  }
}

/// "+0.42" / "−0.31" (a real minus sign, so the sign reads even without colour).
func signed(_ v: Float, digits: Int = 2) -> String {
  let s = fixed(abs(v), digits: digits)
  return (v < 0 && s != fixed(Double(0), digits: digits) ? "−" : "+") + s
}

/// Fixed-point text without Foundation's formatters ("0.42", "-1.50").
func fixed(_ v: Float, digits: Int = 2) -> String { fixed(Double(v), digits: digits) }

func fixed(_ v: Double, digits: Int = 2) -> String {
  guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
  // Beyond 1e12 fixed-point is unreadable and `Int` would overflow: "3.0e19".
  if abs(v) >= 1e12 { return scientific(v) }
  var scale = 1.0
  for _ in 0..<digits { scale *= 10 }
  let n = (abs(v) * scale).rounded()
  let whole = Int(n / scale)
  let frac = Int(n - Double(whole) * scale)
  var fracText = String(frac)
  while fracText.count < digits { fracText = "0" + fracText }
  let sign = v < 0 && n > 0 ? "-" : ""
  return digits == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(fracText)"
}

/// "3.0e19" / "-1.0e30" for finite values too large for fixed-point.
func scientific(_ v: Double) -> String {
  var exponent = Int(log10(abs(v)).rounded(.down))
  var mantissa = v / pow(10, Double(exponent))
  if abs(mantissa) >= 9.95 {
    mantissa /= 10
    exponent += 1
  }
  return "\(fixed(mantissa, digits: 1))e\(exponent)"
}

/// `x` rounded to an index in 0..<count; NaN and out-of-range values clamp, so a damaged number
/// never traps the renderer.
func clampedIndex(_ x: Double, count: Int) -> Int {
  guard count > 0, !x.isNaN else { return 0 }
  return Int(min(max(x.rounded(), 0), Double(count - 1)))
}

/// `x` rounded to an Int when it is finite and fits; nil otherwise.
func roundedInt(_ x: Double) -> Int? {
  guard x.isFinite, abs(x) < 9e18 else { return nil }
  return Int(x.rounded())
}

/// 12345 → "12,345".
func grouped(_ n: Int) -> String {
  let digits = String(abs(n))
  var out = ""
  for (i, c) in digits.enumerated() {
    if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
    out.append(c)
  }
  return (n < 0 ? "-" : "") + out
}
