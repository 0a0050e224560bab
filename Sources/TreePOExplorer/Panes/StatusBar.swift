import TreePOTrace

// The last row: mode badge (LIVE · PAUSED · RUNNING · TRAINING · REPLAY), busy/idle, position in
// the batch (and in the trace when replaying), then the search line, an engine error or a note,
// and key hints on the right.

struct StatusBar {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    grid.fill(area, style: Theme.statusBar)
    let y = area.y
    let mode = explorer.mode
    let badgeStyle: Style =
      switch mode {
      case .live: Style(foreground: .black, background: .green, bold: true)
      case .paused: Style(foreground: .black, background: .yellow, bold: true)
      case .running: Style(foreground: .black, background: .cyan, bold: true)
      case .training: Style(foreground: .brightWhite, background: .magenta, bold: true)
      case .replay: Style(foreground: .brightWhite, background: .blue, bold: true)
      }
    var x = grid.put(" \(mode.rawValue) ", x: area.x, y: y, style: badgeStyle)
    var parts: [String] = []
    if !explorer.isReplay {
      let busy = explorer.state.engineBusy
      parts.append(busy ? explorer.state.engineProgress.map { "busy · \($0)" } ?? "busy" : "idle")
    }
    if let rollout = explorer.rollout {
      // The prompt's batch index as the Batch pane and the trace show it, then the position.
      let position = explorer.state.promptPosition
      let index = explorer.promptTree?.info.index ?? position
      var here = "prompt \(index) (\(position + 1)/\(rollout.prompts.count))"
      if let id = explorer.selectedNode { here += " · node \(id)" }
      parts.append(here)
    }
    if let run = explorer.run, !run.steps.isEmpty {
      let rollout = run.steps[run.step].summary.rollout
      parts.append("step \(rollout) (\(run.step + 1)/\(run.steps.count))")
    }
    if let timeline = explorer.timeline {
      var t = "event \(grouped(timeline.position))/\(grouped(timeline.events.count))"
      if let round = explorer.rollout?.round { t += " · round \(round)" }
      parts.append(t)
    }
    x = grid.put(" " + parts.joined(separator: " │ ") + " ", x: x, y: y, style: Theme.statusBar)
    let hints = "? help  q quit"
    let hintsX = area.maxX - displayWidth(hints) - 1
    var right = hintsX - 1
    if let draft = explorer.state.search.draft {
      grid.put(
        "/" + draft + "▏", x: x + 1, y: y,
        style: Style(foreground: .black, background: .white, bold: true), maxX: area.maxX)
      return
    }
    // A note answers the last key, so it goes before a standing engine error (which returns with
    // the next key).
    if let message = explorer.state.message {
      // A note takes the hints' room too: they come back with the next key.
      right = area.maxX
      let text = truncated(" \(message) ", to: max(0, right - x))
      grid.put(text, x: x, y: y, style: Style(foreground: .black, background: .yellow))
      right = x + displayWidth(text)
    }
    if explorer.state.message == nil, let error = explorer.state.engineError {
      let text = truncated(" engine error: \(error) ", to: max(0, area.maxX - x - 1))
      grid.put(text, x: x, y: y, style: Theme.error)
      return
    }
    guard hintsX > right else { return }
    grid.put(hints, x: hintsX, y: y, style: Theme.statusBar)
    // The model and its size before the hints, when there is room for them.
    if let label = explorer.modelLabel {
      let text = label + " │ "
      let labelX = hintsX - displayWidth(text)
      if labelX >= x { grid.put(text, x: labelX, y: y, style: Theme.statusBar) }
    }
  }
}
