// The screen split into named areas (ratatui style): Tree on the left; Batch, Node detail, Compute
// and Training stacked on the right; Path across the bottom; the status bar on the last row.

public struct ExplorerLayout: Sendable, Equatable {
  public static let minimumSize = Size(width: 80, height: 24)

  public let size: Size
  public var tooSmall: Bool
  public var tree = Rect(x: 0, y: 0, width: 0, height: 0)
  public var batch = Rect(x: 0, y: 0, width: 0, height: 0)
  public var detail = Rect(x: 0, y: 0, width: 0, height: 0)
  public var compute = Rect(x: 0, y: 0, width: 0, height: 0)
  public var training = Rect(x: 0, y: 0, width: 0, height: 0)
  /// A run's step list (empty for a single trace; see `ExplorerLayout+Run.swift`).
  public var steps = Rect(x: 0, y: 0, width: 0, height: 0)
  public var path = Rect(x: 0, y: 0, width: 0, height: 0)
  public var status = Rect(x: 0, y: 0, width: 0, height: 0)

  /// `prompts`: how many prompts the Batch pane would like to list.
  public init(size: Size, prompts: Int = 8) {
    self.size = size
    tooSmall =
      size.width < Self.minimumSize.width || size.height < Self.minimumSize.height
    guard !tooSmall else { return }
    let (w, h) = (size.width, size.height)
    status = Rect(x: 0, y: h - 1, width: w, height: 1)
    let pathHeight = 4
    path = Rect(x: 0, y: h - 1 - pathHeight, width: w, height: pathHeight)
    let mainHeight = h - 1 - pathHeight
    let leftWidth = w * 58 / 100
    tree = Rect(x: 0, y: 0, width: leftWidth, height: mainHeight)
    let rx = leftWidth
    let rw = w - leftWidth
    // Fixed needs first; Batch takes what it wants of the rest; Node detail takes the remainder.
    let compute = 5
    var training = 6
    let detailMin = 7
    var batch = min(max(3, prompts + 2), 10)
    var spare = mainHeight - compute - training - detailMin - batch
    if spare < 0 {
      batch = max(3, batch + spare)
      spare = mainHeight - compute - training - detailMin - batch
    }
    if spare < 0 { training = max(0, training + spare) }
    if training < 4 { training = 0 }
    let detail = mainHeight - compute - training - batch
    var y = 0
    self.batch = Rect(x: rx, y: y, width: rw, height: batch)
    y += batch
    self.detail = Rect(x: rx, y: y, width: rw, height: detail)
    y += detail
    self.compute = Rect(x: rx, y: y, width: rw, height: compute)
    y += compute
    self.training = Rect(x: rx, y: y, width: rw, height: training)
  }
}
