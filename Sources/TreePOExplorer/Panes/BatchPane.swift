import TreePOTrace

// The batch's prompts, each with its trajectories (✓ correct, ✗ not: wrong, stopped or truncated,
// so ✓+✗ is the paths that count toward n) / active / pruned counts and mean reward; the current
// prompt is marked ▶ and `[`/`]` (or j/k with focus here) moves it. Prompts out of view are
// counted on the bottom border.

struct BatchPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    let focused = explorer.state.focus == .batch
    guard let rollout = explorer.rollout else {
      grid.box(area, title: "Batch", focused: focused)
      return
    }
    let width = rollout.config["rollout.n"].map { "n=\($0)" } ?? ""
    let inner = area.inner
    let first = explorer.batchFirstRow(height: inner.height)
    let below = max(0, rollout.prompts.count - first - inner.height)
    var more: [String] = []
    if first > 0 { more.append("↑ \(first)") }
    if below > 0 { more.append("↓ \(below)") }
    grid.box(
      area, title: "Batch · \(rollout.prompts.count) prompts",
      note: "rollout \(rollout.rollout) \(rollout.sampler) \(width)", focused: focused,
      bottomNote: more.isEmpty ? "" : more.joined(separator: " ") + " more ([ ])")
    for (i, p) in rollout.prompts.enumerated().dropFirst(first).prefix(inner.height) {
      let y = inner.y + i - first
      let current = i == explorer.state.promptPosition
      let t = p.tally
      let mean = t.meanReward.map { " r̄" + fixed($0) } ?? ""
      let counts =
        "✓\(t.correct) ✗\(t.trajectories - t.correct) ●\(t.active) ✂\(t.pruned)\(mean)"
      let countsX = inner.maxX - displayWidth(counts) - 1
      var x = grid.put(current ? "▶" : " ", x: inner.x, y: y, style: Theme.warning)
      x = grid.put("\(p.info.index) ", x: x, y: y, style: Theme.label)
      let room = max(0, countsX - x - 1)
      grid.put(
        truncated(printable(explorer.headline(of: p.info).prefix(room + 1)), to: room), x: x, y: y,
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
