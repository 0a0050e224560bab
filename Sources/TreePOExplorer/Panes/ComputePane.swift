import TreePOTrace

// Compute accounting of the rollout so far (the sampler's counters): tokens really decoded against
// what flat sampling of the same trajectories would cost, the saving, shared prefix tokens, KV
// pages and decode speed (tokens over the engine's own time, not the time spent waiting for keys).

struct ComputePane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    guard let rollout = explorer.rollout else {
      grid.box(area, title: "Compute")
      return
    }
    let c = rollout.counters
    let note = rollout.done ? "done" : rollout.round.map { "round \($0)" } ?? "starting"
    grid.box(area, title: "Compute", note: note)
    let (saved, savedStyle) = Self.saved(c, done: rollout.done)
    let rate =
      c.elapsedSeconds > 0
      ? roundedInt(Double(c.decodedTokens) / c.elapsedSeconds).map(grouped) ?? "—" : "—"
    // The rate first on its line, so a narrow pane (80 columns) cuts the page counts, not it.
    let lines: [[(String, Style)]] = [
      [
        ("decoded ", Theme.label), (grouped(c.decodedTokens), .plain), (" · flat ", Theme.label),
        (grouped(c.flatEquivalentTokens), .plain),
      ],
      [
        ("saved ", Theme.label), (saved, savedStyle), (" · shared ", Theme.label),
        (grouped(c.sharedPrefixTokens), .plain), (" tok", Theme.label),
      ],
      [
        (rate, .plain), (" tok/s", Theme.label), (" · KV ", Theme.label),
        ("\(c.kvPagesInUse)", .plain), (" pages (peak ", Theme.label),
        ("\(c.kvPagesPeak)", .plain), (")", Theme.label),
      ],
    ]
    let inner = area.inner
    for (i, line) in lines.prefix(inner.height).enumerated() {
      var x = inner.x + 1
      for (text, style) in line {
        x = grid.put(text, x: x, y: inner.y + i, style: style, maxX: inner.maxX)
      }
    }
  }

  /// The saving against flat sampling, once the batch is done. Before that "flat" counts only the
  /// finished paths while "decoded" counts every token so far, so their ratio would mean nothing
  /// (it went to −3353% mid-batch): "—" until done; a real loss is drawn red.
  static func saved(_ c: RolloutCounters, done: Bool) -> (String, Style) {
    guard done, c.flatEquivalentTokens > 0 else { return ("—", Theme.dim) }
    let fraction = 1 - Double(c.decodedTokens) / Double(c.flatEquivalentTokens)
    return (fixed(100 * fraction, digits: 0) + "%", fraction >= 0 ? Theme.positive : Theme.negative)
  }
}
