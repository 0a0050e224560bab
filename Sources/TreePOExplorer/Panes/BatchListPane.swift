import TreePOTrace

// A run's batch list: the shown step's prompts in the chosen order (`o` batch order, pass rate,
// score spread, length; `O` best / worst first) and filtered by outcome (`f`), each with its
// passes of paths, pass rate, score spread σ and mean path length. The shown prompt is marked ▶.

struct BatchListPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    guard let run = explorer.run else { return }
    let focused = explorer.state.focus == .batch
    let stats = explorer.batchStats
    let order = explorer.batchOrder
    let inner = area.inner
    let here = order.firstIndex(of: explorer.state.promptPosition) ?? 0
    let first =
      order.count > inner.height
      ? min(max(0, here - inner.height / 2), order.count - inner.height)
      : 0
    let below = max(0, order.count - first - inner.height)
    var more: [String] = []
    if first > 0 { more.append("↑ \(first)") }
    if below > 0 { more.append("↓ \(below)") }
    let arrow = run.sort == .index ? "" : run.descending ? " ↓" : " ↑"
    let filter = run.filter == .all ? "" : " · \(run.filter.rawValue)"
    grid.box(
      area, title: "Batch · \(order.count)/\(stats.count)",
      note: "by \(run.sort.rawValue)\(arrow)\(filter)", focused: focused,
      bottomNote: more.isEmpty ? "o f sort, filter" : more.joined(separator: " ") + " more")
    if order.isEmpty {
      let why = stats.isEmpty ? "no prompts in this step" : "no prompt is \(run.filter.rawValue)"
      grid.put(why, x: inner.x + 1, y: inner.y, style: Theme.dim, maxX: inner.maxX)
      return
    }
    let prompts = explorer.store.current?.prompts ?? []
    for (row, position) in order.enumerated().dropFirst(first).prefix(inner.height) {
      let y = inner.y + row - first
      let s = stats[position]
      let current = position == explorer.state.promptPosition
      let rate = s.passRate.map { percent($0) } ?? "—"
      let length = compact(roundedInt(s.length) ?? 0)
      let numbers =
        "✓\(s.passed)/\(s.paths)".padding(toColumns: 6) + leftPadded(rate, 4) + " σ"
        + fixed(s.spread) + " L" + leftPadded(length, 4)
      let numbersX = inner.maxX - displayWidth(numbers) - 1
      var x = grid.put(current ? "▶" : " ", x: inner.x, y: y, style: Theme.warning)
      x = grid.put("\(prompts[position].info.index) ", x: x, y: y, style: Theme.label)
      grid.put(
        truncated(
          printable(String(prompts[position].info.text.prefix(inner.width * 2))),
          to: max(0, numbersX - x - 1)), x: x, y: y, maxX: numbersX - 1)
      if numbersX > x + 4 { grid.put(numbers, x: numbersX, y: y, maxX: inner.maxX) }
      if current {
        grid.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) {
          $0.bold = true
          if focused { $0.reverse = true }
        }
      }
    }
  }
}

/// `text` right-aligned in `width` columns.
func leftPadded(_ text: String, _ width: Int) -> String {
  String(repeating: " ", count: max(0, width - displayWidth(text))) + text
}
