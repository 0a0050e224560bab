import TreePOTrace

// Render: layout, every pane into its area, the help overlay on top, then the colour depth applied
// to the whole grid (so panes never think about NO_COLOR or 8-colour terminals).

extension Explorer {
  public func render(size: Size) -> CellGrid {
    var grid = CellGrid(size: size)
    let layout = layout(for: size)
    if layout.tooSmall {
      let need = ExplorerLayout.minimumSize
      let text =
        "Terminal too small (\(size.width)×\(size.height)): treepo needs at least "
        + "\(need.width)×\(need.height)."
      let line = truncated(text, to: size.width)
      let x = max(0, (size.width - displayWidth(line)) / 2)
      grid.put(line, x: x, y: max(0, size.height / 2), style: Theme.warning)
      return grid.withColorDepth(colorDepth)
    }
    TreePane(explorer: self).render(in: layout.tree, into: &grid)
    if isRun {
      StepListPane(explorer: self).render(in: layout.steps, into: &grid)
      BatchListPane(explorer: self).render(in: layout.batch, into: &grid)
    } else {
      BatchPane(explorer: self).render(in: layout.batch, into: &grid)
    }
    DetailPane(explorer: self).render(in: layout.detail, into: &grid)
    if !layout.compute.isEmpty {
      ComputePane(explorer: self).render(in: layout.compute, into: &grid)
    }
    if !layout.training.isEmpty {
      TrainingPane(explorer: self).render(in: layout.training, into: &grid)
    }
    PathPane(explorer: self).render(in: layout.path, into: &grid)
    StatusBar(explorer: self).render(in: layout.status, into: &grid)
    if state.helpScroll != nil {
      let screen = Rect(x: 0, y: 0, width: size.width, height: size.height - 1)
      HelpOverlay(explorer: self).render(in: screen, into: &grid)
    }
    return grid.withColorDepth(colorDepth)
  }
}

extension CellGrid {
  /// The grid as a terminal of `depth` can show it: no colours at all (attributes stay), or the
  /// bright colours folded onto the basic eight.
  public func withColorDepth(_ depth: ColorDepth) -> CellGrid {
    guard depth != .colors256 else { return self }
    var out = self
    for y in 0..<size.height {
      for x in 0..<size.width {
        var cell = self[x, y]
        switch depth {
        case .none:
          // A coloured background marks something (status bar, badge): keep it visible as reverse.
          if cell.style.background != .default { cell.style.reverse.toggle() }
          cell.style.foreground = .default
          cell.style.background = .default
        case .colors8:
          cell.style.foreground = cell.style.foreground.basic
          cell.style.background = cell.style.background.basic
        case .colors256: break
        }
        out[x, y] = cell
      }
    }
    return out
  }
}

extension Color {
  /// The basic colour a bright one folds onto (8-colour terminals).
  public var basic: Color {
    switch self {
    case .brightBlack: .black
    case .brightRed: .red
    case .brightGreen: .green
    case .brightYellow: .yellow
    case .brightBlue: .blue
    case .brightMagenta: .magenta
    case .brightCyan: .cyan
    case .brightWhite: .white
    default: self
    }
  }
}
