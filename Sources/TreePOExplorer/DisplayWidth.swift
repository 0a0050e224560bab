// Terminal columns a character takes: East Asian wide/fullwidth and emoji take 2, combining marks
// ride on their base (a Character is a whole grapheme), control characters are never drawn raw.
// The ncurses driver may measure with wcwidth instead; the two agree on everything treepo draws.

public func displayWidth(_ c: Character) -> Int {
  guard let first = c.unicodeScalars.first else { return 0 }
  let v = first.value
  if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
  if v < 0x1100 { return 1 }
  if first.properties.isEmojiPresentation { return 2 }
  // Emoji written with a variation selector (e.g. ✔️) are drawn wide by modern terminals.
  if c.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
  switch v {
  case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF,
    0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3,
    0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
    0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
    return 2
  default:
    return 1
  }
}

public func displayWidth(_ s: some StringProtocol) -> Int {
  var total = 0
  for c in s { total += displayWidth(c) }
  return total
}

/// `s` cut to at most `width` columns, ending with "…" when something was cut.
public func truncated(_ s: String, to width: Int) -> String {
  guard width > 0 else { return "" }
  if displayWidth(s) <= width { return s }
  var out = ""
  var used = 0
  for c in s {
    let w = displayWidth(c)
    if used + w > width - 1 { break }
    out.append(c)
    used += w
  }
  return out + "…"
}

/// Text from the model made safe to draw: control characters become visible marks.
public func printable(_ s: some StringProtocol) -> String {
  var out = ""
  for c in s { out.append(printable(c)) }
  return out
}

/// One character made safe to draw: a newline is ⏎, a tab ⇥, anything else of no width a "·".
public func printable(_ c: Character) -> Character {
  switch c {
  case "\n": "⏎"
  case "\t": "⇥"
  default: displayWidth(c) == 0 ? "·" : c
  }
}
