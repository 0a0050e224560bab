// A run's screen: the Tree and Path as for one trace; on the right the step list, the batch list
// of the shown step and the node detail (a run's imported counters make Compute and Training
// panes say little, so they give their rows to the lists).

extension ExplorerLayout {
  public init(runOf size: Size) {
    self.init(size: size)
    guard !tooSmall else { return }
    let mainHeight = tree.height
    let (x, width) = (batch.x, batch.width)
    var steps = min(12, max(5, mainHeight / 3))
    var batch = min(14, max(5, (mainHeight - steps) / 2))
    if mainHeight - steps - batch < 7 { batch = max(4, mainHeight - steps - 7) }
    if mainHeight - steps - batch < 7 { steps = max(4, mainHeight - batch - 7) }
    self.steps = Rect(x: x, y: 0, width: width, height: steps)
    self.batch = Rect(x: x, y: steps, width: width, height: batch)
    detail = Rect(x: x, y: steps + batch, width: width, height: mainHeight - steps - batch)
    compute = Rect(x: x, y: 0, width: 0, height: 0)
    training = Rect(x: x, y: 0, width: 0, height: 0)
  }
}
