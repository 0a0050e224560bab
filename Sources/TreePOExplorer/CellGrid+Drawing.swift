// Drawing primitives every pane uses: clipped text, fills and box borders.

extension CellGrid {
  /// Writes `text` from (x, y), never past `maxX` (default: the grid's edge). A wide character that
  /// would straddle the edge is left out. Returns the column after the last one written.
  @discardableResult
  public mutating func put(
    _ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, maxX: Int? = nil
  ) -> Int {
    guard y >= 0, y < size.height else { return x }
    let limit = min(maxX ?? size.width, size.width)
    var col = x
    for c in text {
      let w = displayWidth(c)
      if w == 0 { continue }
      if col + w > limit { break }
      if col >= 0 {
        self[col, y] = Cell(c, style: style)
        if w == 2 { self[col + 1, y] = Cell(" ", style: style, continuation: true) }
      }
      col += w
    }
    return col
  }

  public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
    for y in rect.y..<rect.maxY {
      for x in rect.x..<rect.maxX { self[x, y] = Cell(character, style: style) }
    }
  }

  /// Restyles the cells of `rect` (text kept).
  public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
    for y in max(0, rect.y)..<min(size.height, rect.maxY) {
      for x in max(0, rect.x)..<min(size.width, rect.maxX) {
        var cell = self[x, y]
        change(&cell.style)
        self[x, y] = cell
      }
    }
  }

  /// A single-line box around `rect` with `title` on the top edge (left) and `note` (right).
  public mutating func box(
    _ rect: Rect, title: String = "", note: String = "", focused: Bool = false,
    bottomNote: String = ""
  ) {
    guard rect.width >= 2, rect.height >= 2 else { return }
    let border = focused ? Style(foreground: .cyan, bold: true) : Style(foreground: .brightBlack)
    let (l, r, t, b) = (rect.x, rect.maxX - 1, rect.y, rect.maxY - 1)
    for x in l...r {
      self[x, t] = Cell("─", style: border)
      self[x, b] = Cell("─", style: border)
    }
    for y in t...b {
      self[l, y] = Cell("│", style: border)
      self[r, y] = Cell("│", style: border)
    }
    self[l, t] = Cell("┌", style: border)
    self[r, t] = Cell("┐", style: border)
    self[l, b] = Cell("└", style: border)
    self[r, b] = Cell("┘", style: border)
    let inner = rect.width - 4
    var used = 0
    if !title.isEmpty, inner > 0 {
      let text = truncated(" \(title) ", to: inner)
      used = displayWidth(text)
      put(text, x: l + 1, y: t, style: Style(bold: true), maxX: r)
    }
    if !note.isEmpty, inner - used > 4 {
      let text = truncated(" \(note) ", to: inner - used - 1)
      put(text, x: r - displayWidth(text), y: t, style: border, maxX: r)
    }
    if !bottomNote.isEmpty, inner > 4 {
      let text = truncated(" \(bottomNote) ", to: inner)
      put(text, x: r - displayWidth(text), y: b, style: border, maxX: r)
    }
  }
}

extension Rect {
  /// The area inside a one-cell border.
  public var inner: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }

  public func contains(x px: Int, y py: Int) -> Bool {
    px >= x && px < maxX && py >= y && py < maxY
  }
}
