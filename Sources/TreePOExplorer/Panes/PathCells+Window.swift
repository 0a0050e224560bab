// Which cells of the path the pane shows: laid out line by line from a top cell (a wide character
// is never split: it wraps whole), with "…" where the path goes on before or after the view. The
// view that follows the selected end starts at the earliest cell from which the rest still fits.
// Both cost the cells of one pane, not the path.

extension PathCells {
  struct Placed: Equatable {
    var x: Int
    var y: Int
    var character: Character
    var style: Style
  }

  struct Window {
    var cells: [Placed]
    /// The first cell not shown (its place holds the closing "…"); the end when all was shown.
    var next: Position
  }

  /// The cells from `top` laid out in `width`×`height`: "…" first when cells come before `top`,
  /// and "…" last when more follow (in the last row's free column left by a wide character that
  /// did not fit, else in place of the last cell shown).
  func window(from top: Position, width: Int, height: Int) -> Window {
    guard width > 0, height > 0 else { return Window(cells: [], next: top) }
    var placed: [Placed] = []
    var x = 0
    var y = 0
    /// Places `c` after the last cell, on the next row when it does not fit; false when the pane
    /// is full (nothing changed then).
    func place(_ c: Character, _ style: Style) -> Bool {
      let w = max(1, displayWidth(c))
      if x + w > width {
        guard y + 1 < height else { return false }
        x = 0
        y += 1
      }
      placed.append(Placed(x: x, y: y, character: c, style: style))
      x += w
      return true
    }
    if top > start, !place("…", Theme.dim) { return Window(cells: [], next: top) }
    var p = top
    var last: Position?
    while p < end {
      let (c, style) = cell(at: p)
      guard place(c, style) else {
        if x < width {
          placed.append(Placed(x: x, y: y, character: "…", style: Theme.dim))
          return Window(cells: placed, next: p)
        }
        // The last cell shown gives way to "…" (the next page starts with it).
        guard let last else { return Window(cells: placed, next: p) }
        placed[placed.count - 1].character = "…"
        placed[placed.count - 1].style = Theme.dim
        return Window(cells: placed, next: last)
      }
      last = p
      p = position(after: p)
    }
    return Window(cells: placed, next: end)
  }

  /// The earliest top whose window reaches `target`: shows everything to the end when `target` is
  /// the end, else shows the cells before `target` and `target` itself (or "…" in its place).
  func top(reaching target: Position, width: Int, height: Int) -> Position {
    guard target > start, width > 0, height > 0 else { return start }
    let capacity = width * height
    // The fewest columns a window reaching `target` needs, cell by cell back from it: a top
    // that needs more than the pane cannot be it; from the first that may be, try forward.
    var used = target < end ? 1 : 0
    var top = target
    while let before = position(before: top) {
      let w = max(1, displayWidth(cell(at: before).0))
      let lead = before > start ? 1 : 0
      if used + w + lead > capacity { break }
      used += w
      top = before
    }
    // A wide character that wraps early leaves a column empty: drop leading cells until it fits
    // (a few at most: a column per row, and the target's own width).
    while top < target, window(from: top, width: width, height: height).next < target {
      top = position(after: top)
    }
    return top
  }
}
