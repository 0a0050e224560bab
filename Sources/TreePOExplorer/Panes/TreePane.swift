import TreePOTrace

// The current prompt's rollout tree: box-drawing guides, a status glyph per node, the segment's
// text, and on the right the entropy bar, reward and signed advantage. Rows out of view are
// counted on the border ("↑ 12 more", "↓ 30 more").

struct TreePane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    let state = explorer.state
    let focused = state.focus == .tree
    guard let tree = explorer.promptTree else {
      grid.box(area, title: "Tree", focused: focused)
      let hint =
        explorer.isReplay
        ? "no rollout at this point of the trace"
        : explorer.state.engineProgress != nil
          ? "decoding the first round…" : "space: decode a round"
      grid.put(
        truncated(hint, to: area.inner.width), x: area.x + 2, y: area.y + 1, style: Theme.dim)
      return
    }
    let rows = explorer.rows
    let inner = area.inner
    let offset = explorer.treeOffset(rows: rows, stored: state.treeScroll, height: inner.height)
    let below = max(0, rows.count - offset - inner.height)
    let tally = tree.tally
    grid.box(
      area, title: "Tree · prompt \(tree.info.index)",
      note: offset > 0
        ? "↑ \(offset) more above" : "\(tree.nodes.count) nodes · \(tally.trajectories) paths",
      focused: focused, bottomNote: below > 0 ? "↓ \(below) more below" : "")
    let selected = explorer.selectedNode
    for (i, row) in rows[offset..<min(rows.count, offset + inner.height)].enumerated() {
      guard let node = tree.nodes[row.node] else { continue }
      draw(
        row, node, tree: tree, y: inner.y + i, in: inner, selected: row.node == selected,
        focused: focused, into: &grid)
    }
  }

  private func draw(
    _ row: TreeRow, _ node: TreeNode, tree: PromptTree, y: Int, in inner: Rect, selected: Bool,
    focused: Bool, into grid: inout CellGrid
  ) {
    let maxX = inner.maxX
    var x = grid.put(row.prefix, x: inner.x, y: y, style: Theme.dim, maxX: maxX)
    let (glyph, glyphStyle) = Theme.glyph(node.status)
    x = grid.put(String(glyph), x: x, y: y, style: glyphStyle, maxX: maxX)
    if row.folded { x = grid.put("+", x: x, y: y, style: Theme.warning, maxX: maxX) }
    if node.reason == .fallback || node.fallbackCuts > 0 {
      x = grid.put(String(Theme.fallbackGlyph), x: x, y: y, style: Theme.fallbackStyle, maxX: maxX)
    }
    x += 1
    // Right-hand annotations: entropy bar, reward, signed advantage (fixed columns).
    var notes: [(String, Style)] = []
    if node.reason != .root {
      // The mean over a segment of thousands of tokens is summed once, not every frame.
      let meanEntropy = explorer.memo.means(of: node, prompt: tree.info.index).meanEntropy
      let bar = Theme.entropyBar(meanEntropy)
      notes.append((String(bar), Theme.heatStyle(meanEntropy.map(Theme.heat(entropy:)) ?? 0)))
      let reward = node.reward.map { "r=\(fixed($0, digits: 0))" } ?? "   "
      notes.append(
        (" " + reward, node.reward.map { $0 > 0 ? Theme.positive : Theme.negative } ?? .plain))
      let adv = node.advantage.map { "A" + signed($0) } ?? "      "
      notes.append((" " + adv, Theme.advantageStyle(node.advantage)))
    }
    let notesWidth = notes.reduce(0) { $0 + displayWidth($1.0) }
    let showNotes = inner.width - (x - inner.x) - notesWidth >= 8
    let textEnd = showNotes ? maxX - notesWidth - 1 : maxX
    let text: String
    if node.reason == .root {
      text = printable(explorer.headline(of: tree.info).prefix(max(0, textEnd - x) + 1))
    } else if node.decodedInRound == nil {
      text = "…"
    } else {
      // Only what the row can show: a segment of thousands of tokens costs no more than a short one.
      text = printable(node.text.prefix(max(0, textEnd - x) + 1))
    }
    let textStyle =
      explorer.memoMatches(node, prompt: tree.info.index)
      ? Theme.match : node.status == .pruned ? Theme.dim : Style.plain
    // A fork inside the segment as decoded: the marker sits right after the prefix, at the
    // branch point (the children's text starts with the branch token).
    let fork = node.midSegmentForks > 0 ? 1 : 0
    x = grid.put(
      truncated(text, to: max(0, textEnd - x - fork)), x: x, y: y, style: textStyle,
      maxX: textEnd)
    if fork > 0 {
      grid.put(String(Theme.forkGlyph), x: x, y: y, style: Theme.warning, maxX: textEnd)
    }
    if showNotes {
      var nx = maxX - notesWidth
      for (s, style) in notes { nx = grid.put(s, x: nx, y: y, style: style, maxX: maxX) }
    }
    if selected {
      let rowRect = Rect(x: inner.x, y: y, width: inner.width, height: 1)
      grid.restyle(rowRect) { style in
        if focused {
          style.reverse = true
        } else {
          style.bold = true
          style.underline = true
        }
      }
    }
  }
}
