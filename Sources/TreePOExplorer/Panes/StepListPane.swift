import TreePOTrace

// A run's steps: a sparkline of the mean score across all steps (the shown step marked), then one
// row per step — its rollout number, ⚠ and a count when it has damaged lines, mean score, pass
// rate and response tokens. `[` `]` move between steps (or j/k with focus here); steps out of view
// are counted on the bottom border.

struct StepListPane {
  let explorer: Explorer

  static let sparks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

  func render(in area: Rect, into grid: inout CellGrid) {
    guard let run = explorer.run else { return }
    let focused = explorer.state.focus == .steps
    let steps = run.steps
    let inner = area.inner
    let rows = max(0, inner.height - 1)
    let first = min(run.stepScroll, max(0, steps.count - rows))
    let below = max(0, steps.count - first - rows)
    var more: [String] = []
    if first > 0 { more.append("↑ \(first)") }
    if below > 0 { more.append("↓ \(below)") }
    grid.box(
      area, title: "Steps · \(steps.count)",
      note: run.following
        ? "following" : inner.width >= 44 ? "mean score · pass rate · tokens" : "",
      focused: focused,
      bottomNote: more.isEmpty ? "" : more.joined(separator: " ") + " more ([ ])")
    guard !steps.isEmpty, inner.height > 0 else {
      grid.put("no step yet", x: inner.x + 1, y: inner.y, style: Theme.dim, maxX: inner.maxX)
      return
    }
    sparkline(run, x: inner.x, y: inner.y, width: inner.width, into: &grid)
    let numberWidth = String(steps.map(\.summary.rollout).max() ?? 0).count
    for (i, step) in steps.enumerated().dropFirst(first).prefix(rows) {
      let y = inner.y + 1 + i - first
      let s = step.summary
      let current = i == run.step
      var x = grid.put(current ? "▶" : " ", x: inner.x, y: y, style: Theme.warning)
      let number = String(s.rollout)
      x = grid.put(
        String(repeating: " ", count: max(0, numberWidth - number.count)) + number + " ",
        x: x, y: y, style: Theme.label)
      let score = s.meanScore.map { fixed($0) } ?? "—"
      let pass = s.passRate.map { percent($0) } ?? "—"
      // Text-only imports carry no token ids: no count rather than a misleading 0.
      let tokens = s.tokens > 0 ? compact(s.tokens) : "—"
      // A step with damaged lines says so first: its numbers leave those lines out.
      if step.damagedLines > 0 {
        x = grid.put("⚠\(compact(step.damagedLines)) ", x: x, y: y, style: Theme.warning)
      }
      var line = "r̄\(score)  ✓\(pass)  \(tokens) tok"
      if displayWidth(line) + 12 < inner.maxX - x { line += "  \(s.paths) paths" }
      grid.put(line, x: x, y: y, maxX: inner.maxX)
      if current {
        grid.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) {
          $0.bold = true
          if focused { $0.reverse = true }
        }
      }
    }
  }

  /// Mean score per column: all steps squeezed into the width (a column averages its steps).
  private func sparkline(_ run: RunState, x: Int, y: Int, width: Int, into grid: inout CellGrid) {
    let label = "score "
    let x0 = grid.put(label, x: x + 1, y: y, style: Theme.label)
    let columns = min(run.steps.count, max(0, x + width - x0 - 1))
    guard columns > 0 else { return }
    let values = run.steps.map(\.summary.meanScore)
    let known = values.compactMap { $0 }
    let low = known.min() ?? 0
    let high = known.max() ?? 0
    for c in 0..<columns {
      let from = c * values.count / columns
      let to = max(from + 1, (c + 1) * values.count / columns)
      let bucket = values[from..<to].compactMap { $0 }
      let here = (from..<to).contains(run.step)
      let style = here ? Theme.warning : Style(foreground: .cyan)
      guard !bucket.isEmpty else {
        grid.put(" ", x: x0 + c, y: y, style: style)
        continue
      }
      let mean = bucket.reduce(0, +) / Double(bucket.count)
      let level = high > low ? (mean - low) / (high - low) * 7 : 3.5
      grid.put(
        String(Self.sparks[clampedIndex(level, count: Self.sparks.count)]), x: x0 + c, y: y,
        style: style)
    }
  }
}

/// 0.375 → "38%".
func percent(_ v: Double) -> String {
  guard let n = roundedInt(v * 100) else { return "—" }
  return "\(n)%"
}

/// 950 → "950", 12345 → "12.3k", 1234567 → "1.2M".
func compact(_ n: Int) -> String {
  if n < 1000 { return String(n) }
  if n < 1_000_000 { return fixed(Double(n) / 1000, digits: 1) + "k" }
  return fixed(Double(n) / 1_000_000, digits: 1) + "M"
}
