@testable import TreePOExplorer

// The Path pane the straightforward way, as the tests' oracle: every cell of the whole path in an
// array (built as the pane did before it streamed), each window found by trying tops one by one,
// and paging done on cell numbers. The pane must draw the same cells, whatever the path's length.

struct PathOracle {
  var cells: [(Character, Style)] = []
  var width: Int
  var height: Int
  /// The scrolled top cell (nil: the view of the end).
  var top: Int?

  init(_ explorer: Explorer) {
    let inner = explorer.layout(for: explorer.state.viewSize).path.inner
    (width, height) = (inner.width, inner.height)
    guard let tree = explorer.promptTree, let selected = explorer.selectedNode else { return }
    let runs = ChatMarkup.runs(tree.info.text)
    let chat = runs.contains(where: \.markup)
    for run in runs {
      for c in run.text {
        cells.append((printable(c), run.markup || !chat ? Theme.dim : Theme.promptText))
      }
    }
    for id in tree.path(to: selected) {
      guard let node = tree.nodes[id], node.reason != .root else { continue }
      cells.append(("┊", Theme.dim))
      cells += Self.tokens(of: node, colouring: explorer.state.colouring)
    }
  }

  /// The pre-streaming pane's colouring: per token when the token texts make up the text.
  static func tokens(of node: TreeNode, colouring: Colouring) -> [(Character, Style)] {
    let pieces = node.tokenDisplayTexts.flatMap { $0.joined() == node.text ? $0 : nil }
    let perToken = pieces != nil
    func style(at i: Int) -> Style {
      switch colouring {
      case .entropy:
        let e = perToken && i < node.entropies.count ? node.entropies[i] : node.meanEntropy
        return Theme.heatStyle(e.map(Theme.heat(entropy:)) ?? 0)
      case .probability:
        let lp =
          perToken && i < node.logprobs.count
          ? node.logprobs[i] : node.sumLogprob.map { $0 / Float(max(1, node.logprobs.count)) }
        return Theme.heatStyle(lp.map(Theme.heat(logprob:)) ?? 0)
      case .advantage:
        return Theme.advantageStyle(node.advantage)
      }
    }
    guard let pieces else { return node.text.map { (printable($0), style(at: 0)) } }
    return pieces.enumerated().flatMap { i, piece in piece.map { (printable($0), style(at: i)) } }
  }

  /// Lays out cells `top...` with the pane's rules; `next` is the first cell not shown.
  func layout(from top: Int) -> (placed: [PathCells.Placed], next: Int) {
    var placed: [PathCells.Placed] = []
    var (x, y) = (0, 0)
    let lead = top > 0 ? 1 : 0
    var shown: [(Character, Style)] = top > 0 ? [(Character("…"), Theme.dim)] : []
    shown += cells[top...]
    for (i, (c, style)) in shown.enumerated() {
      let w = max(1, displayWidth(c))
      if x + w > width { (x, y) = (0, y + 1) }
      if y >= height {
        let cell = top + i - lead
        if width - placedEnd(placed, row: height - 1) >= 1 && i > 0 {
          placed.append(
            PathCells.Placed(
              x: placedEnd(placed, row: height - 1), y: height - 1, character: "…", style: Theme.dim
            ))
          return (placed, cell)
        }
        guard cell - 1 >= top else { return (placed, cell) }
        placed[placed.count - 1].character = "…"
        placed[placed.count - 1].style = Theme.dim
        return (placed, cell - 1)
      }
      placed.append(PathCells.Placed(x: x, y: y, character: c, style: style))
      x += w
    }
    return (placed, cells.count)
  }

  /// The column after the last cell placed on `row`.
  private func placedEnd(_ placed: [PathCells.Placed], row: Int) -> Int {
    guard let last = placed.last(where: { $0.y == row }) else { return 0 }
    return last.x + max(1, displayWidth(last.character))
  }

  /// The earliest top whose window shows `target` (or "…" in its place), or all to the end.
  func top(reaching target: Int) -> Int {
    for t in max(0, target - width * height)...target {
      let next = layout(from: t).next
      if target == cells.count ? next == cells.count : next >= target { return t }
    }
    return target
  }

  var endTop: Int { top(reaching: cells.count) }
  var shownTop: Int { top.map { min($0, endTop) } ?? endTop }

  mutating func press(_ key: Character) {
    let now = shownTop
    var target: Int
    switch key {
    case "u": target = now > 0 ? top(reaching: now) : now
    case "d": target = top == nil ? cells.count : layout(from: now).next
    case "U": target = 0
    default: target = cells.count
    }
    if key == "u" && now == 0 { return }
    top = target < endTop ? target : nil
  }

  /// The Path pane's inner rows as the oracle draws them.
  func rows() -> [[Cell]] {
    var grid = CellGrid(size: Size(width: width, height: height))
    for p in layout(from: shownTop).placed {
      grid.put(String(p.character), x: p.x, y: p.y, style: p.style, maxX: width)
    }
    return (0..<height).map { y in (0..<width).map { grid[$0, y] } }
  }
}

extension ExplorerDriver {
  /// The Path pane's inner rows as drawn (colour depth as rendered: 256 colours in these tests).
  var pathRows: [[Cell]] {
    let inner = explorer.layout(for: size).path.inner
    let grid = self.grid
    return (0..<inner.height).map { y in
      (0..<inner.width).map { grid[inner.x + $0, inner.y + y] }
    }
  }

  /// The Path pane's inner rows as text, trailing spaces cut.
  var pathLines: [String] {
    pathRows.map { row in
      var s = ""
      for cell in row where !cell.continuation { s.append(cell.character) }
      while s.last == " " { s.removeLast() }
      return s
    }
  }
}

extension Explorer {
  /// The Path pane's top as a cell number (for messages when a test fails).
  func pathTopCell() -> Int {
    guard let cells = pathCells() else { return 0 }
    let inner = layout(for: state.viewSize).path.inner
    let (top, _) = pathTop(cells, width: inner.width, height: inner.height)
    var p = cells.start
    var n = 0
    while p < top {
      p = cells.position(after: p)
      n += 1
    }
    return n
  }
}
