import TreePOTrace

// The `?` overlay, generated from the KeyMap table: every binding by group, with unavailable ones
// dimmed and the reason beside them.

struct HelpOverlay {
  let explorer: Explorer

  /// The overlay's lines (also the content docs/keys.md is generated from, in another shape).
  func lines() -> [[(String, Style)]] {
    var out: [[(String, Style)]] = []
    for group in KeyMap.groups {
      if !out.isEmpty { out.append([]) }
      out.append([(group, Style(foreground: .cyan, bold: true))])
      for b in KeyMap.bindings where b.group == group {
        let why = b.keys.isEmpty ? nil : b.whyDisabled(explorer)
        let key = b.label.padding(toColumns: 10)
        var line: [(String, Style)] = [
          ("  " + key, why == nil ? Style(bold: true) : Theme.dim),
          (b.description, why == nil ? .plain : Theme.dim),
        ]
        if let why { line.append(("  (\(why))", Theme.dim)) }
        out.append(line)
      }
    }
    return out
  }

  func render(in screen: Rect, into grid: inout CellGrid) {
    let lines = lines()
    let width = min(76, screen.width - 4)
    let height = min(lines.count + 2, screen.height - 2)
    let area = Rect(
      x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2,
      width: width, height: height)
    grid.fill(area)
    let inner = area.inner
    let maxScroll = max(0, lines.count - inner.height)
    let scroll = min(explorer.state.helpScroll ?? 0, maxScroll)
    grid.box(
      area, title: "Keys", note: "Esc closes", focused: true,
      bottomNote: maxScroll > 0
        ? "j/k scroll · \(scroll + 1)–\(scroll + inner.height)/\(lines.count)" : "")
    for (i, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
      var x = inner.x + 1
      for (text, style) in line {
        x = grid.put(text, x: x, y: inner.y + i, style: style, maxX: inner.maxX - 1)
      }
    }
  }
}

extension String {
  func padding(toColumns columns: Int) -> String {
    self + String(repeating: " ", count: max(1, columns - displayWidth(self)))
  }
}
