import TreePOTrace

// The batch's prompts, each with its finished (✓ correct, ✗ wrong) / active / pruned counts and
// mean reward; the current prompt is marked ▶ and `[`/`]` (or j/k with focus here) moves it.

struct BatchPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    let focused = explorer.state.focus == .batch
    guard let rollout = explorer.rollout else {
      grid.box(area, title: "Batch", focused: focused)
      return
    }
    let width = rollout.config["rollout.n"].map { "n=\($0)" } ?? ""
    grid.box(
      area, title: "Batch · \(rollout.prompts.count) prompts",
      note: "rollout \(rollout.rollout) \(rollout.sampler) \(width)", focused: focused)
    let inner = area.inner
    let first = explorer.batchFirstRow(height: inner.height)
    for (i, p) in rollout.prompts.enumerated().dropFirst(first).prefix(inner.height) {
      let y = inner.y + i - first
      let current = i == explorer.state.promptPosition
      let t = p.tally
      let mean = t.meanReward.map { " r̄" + fixed($0) } ?? ""
      let counts = "✓\(t.correct) ✗\(t.finished - t.correct) ●\(t.active) ✂\(t.pruned)\(mean)"
      let countsX = inner.maxX - displayWidth(counts) - 1
      var x = grid.put(current ? "▶" : " ", x: inner.x, y: y, style: Theme.warning)
      x = grid.put("\(p.info.index) ", x: x, y: y, style: Theme.label)
      grid.put(
        truncated(printable(p.info.text), to: max(0, countsX - x - 1)), x: x, y: y,
        maxX: countsX - 1)
      if countsX > x + 4 { grid.put(counts, x: countsX, y: y, maxX: inner.maxX) }
      if current {
        grid.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) {
          $0.bold = true
          if focused { $0.reverse = true }
        }
      }
    }
  }
}
