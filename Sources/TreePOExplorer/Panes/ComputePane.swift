import TreePOTrace

// Compute accounting of the rollout so far (the sampler's counters): tokens really decoded against
// what flat sampling of the same trajectories would cost, the saving, shared prefix tokens, KV
// pages and decode speed.

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
    let saved =
      c.flatEquivalentTokens > 0
      ? fixed(100 * (1 - Double(c.decodedTokens) / Double(c.flatEquivalentTokens)), digits: 0)
        + "%" : "—"
    let rate =
      c.elapsedSeconds > 0 ? grouped(Int(Double(c.decodedTokens) / c.elapsedSeconds)) : "—"
    let lines: [[(String, Style)]] = [
      [
        ("decoded ", Theme.label), (grouped(c.decodedTokens), .plain), (" · flat ", Theme.label),
        (grouped(c.flatEquivalentTokens), .plain),
      ],
      [
        ("saved ", Theme.label), (saved, Theme.positive), (" · shared ", Theme.label),
        (grouped(c.sharedPrefixTokens), .plain), (" tok", Theme.label),
      ],
      [
        ("KV ", Theme.label), ("\(c.kvPagesInUse)", .plain), (" pages (peak ", Theme.label),
        ("\(c.kvPagesPeak)", .plain), (") · ", Theme.label), (rate, .plain),
        (" tok/s", Theme.label),
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
}
