// Scrolling the Path pane through a long path (u d U D): the state keeps the top cell as plain
// numbers, for the prompt and node it was scrolled on; nil follows the selected node's end. A page
// moves from the cell the last view closed on ("…"), so nothing is skipped between pages.

/// Where the Path pane is scrolled to (its top cell); another selection ignores it.
public struct PathScroll: Sendable, Equatable {
  public var prompt: ExplorerState.PromptKey?
  public var node: Int
  public var part: Int
  public var string: Int
  public var byte: Int
  public var ordinal: Int
}

extension Explorer {
  /// The Path pane's top cell: the stored scroll when it is for this selection and above the view
  /// of the end, else the top of the view of the end.
  func pathTop(_ cells: PathCells, width: Int, height: Int) -> (PathCells.Position, scrolled: Bool)
  {
    let endTop = cells.top(reaching: cells.end, width: width, height: height)
    guard let s = state.pathScroll, s.prompt == promptKey, s.node == selectedNode,
      let top = PathCells.Position(
        part: s.part, string: s.string, byte: s.byte, ordinal: s.ordinal, in: cells),
      top < endTop
    else { return (endTop, false) }
    return (top, true)
  }

  mutating func scrollPath(_ action: Action) {
    let area = layout(for: state.viewSize).path.inner
    guard let cells = pathCells(), let node = selectedNode, area.width > 0, area.height > 0 else {
      return
    }
    let (w, h) = (area.width, area.height)
    let endTop = cells.top(reaching: cells.end, width: w, height: h)
    let (top, scrolled) = pathTop(cells, width: w, height: h)
    let target: PathCells.Position
    switch action {
    case .pathPageUp:
      guard top > cells.start else {
        state.message = "at the start of the path"
        return
      }
      target = cells.top(reaching: top, width: w, height: h)
    case .pathPageDown:
      guard scrolled else {
        state.message = "at the end of the path"
        return
      }
      target = cells.window(from: top, width: w, height: h).next
    case .pathStart: target = cells.start
    default: target = cells.end
    }
    guard target < endTop else {
      state.pathScroll = nil
      return
    }
    let at = target.offsets(in: cells)
    state.pathScroll = PathScroll(
      prompt: promptKey, node: node, part: at.part, string: at.string, byte: at.byte,
      ordinal: at.ordinal)
  }
}
