import TreePOTrace

// Training progress with verl's metric names: the last step's score, accuracy, pg_loss, clip
// fraction, KL, entropy and gradient norm, plus sparklines of score and loss over the steps; on
// the border the settings the update runs with (learning rate, mini-batches).

struct TrainingPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    let steps = explorer.store.trainSteps
    let progress = explorer.state.trainProgress
    guard let last = steps.last else {
      grid.box(area, title: "Training", note: settingsNote(lr: nil))
      if let progress {
        putProgress(progress, in: area, into: &grid)
        return
      }
      let hint = explorer.isReplay ? "no train step yet" : "t: train on a finished batch"
      grid.put(
        truncated(hint, to: area.inner.width - 1), x: area.x + 2, y: area.y + 1, style: Theme.dim)
      return
    }
    grid.box(
      area, title: "Training",
      note: ["step \(last.step)", settingsNote(lr: last.metrics["actor/lr"])].filter {
        !$0.isEmpty
      }.joined(separator: " · "))
    let m = last.metrics
    func value(_ key: String, _ digits: Int = 3) -> String {
      m[key].map { fixed($0, digits: digits) } ?? "—"
    }
    let accuracyKey = m.keys.sorted().first { $0.contains("acc") }
    let inner = area.inner
    let sparkWidth = max(0, inner.width - 18)
    let scores = steps.compactMap { $0.metrics["critic/score/mean"] }
    let losses = steps.compactMap { $0.metrics["actor/pg_loss"] }
    let lines: [[(String, Style)]] = [
      [
        ("score ", Theme.label), (value("critic/score/mean"), .plain), (" ", .plain),
        (Theme.sparkline(scores, width: sparkWidth), Theme.positive),
      ],
      [
        ("loss  ", Theme.label), (value("actor/pg_loss"), .plain), (" ", .plain),
        (Theme.sparkline(losses, width: sparkWidth), Style(foreground: .magenta)),
      ],
      [
        ("acc ", Theme.label), (accuracyKey.map { value($0) } ?? "—", .plain),
        (" clip ", Theme.label), (value("actor/pg_clipfrac"), .plain), (" kl ", Theme.label),
        (value("actor/ppo_kl", 4), .plain),
      ],
      [
        ("entropy ", Theme.label), (value("actor/entropy"), .plain), (" grad ", Theme.label),
        (value("actor/grad_norm"), .plain),
      ],
    ]
    // A step under way takes the first line; the last step's figures move down.
    let top = progress == nil ? 0 : 1
    if let progress { putProgress(progress, in: area, into: &grid) }
    for (i, line) in lines.prefix(max(0, inner.height - top)).enumerated() {
      let i = i + top
      var x = inner.x + 1
      for (text, style) in line {
        x = grid.put(text, x: x, y: inner.y + i, style: style, maxX: inner.maxX)
      }
    }
  }

  /// "update ▕████░░░░▏ 42% · 1m05s left" on the pane's first inner line.
  private func putProgress(_ p: TrainProgressLine, in area: Rect, into grid: inout CellGrid) {
    let inner = area.inner
    var x = inner.x + 1
    x = grid.put(p.phase + " ", x: x, y: inner.y, style: Theme.label, maxX: inner.maxX)
    guard let fraction = p.fraction else {
      grid.put(
        "\(Self.duration(p.elapsedSeconds))", x: x, y: inner.y, style: .plain, maxX: inner.maxX)
      return
    }
    let tail =
      " \(Int((100 * fraction).rounded(.down)))%"
      + (p.etaSeconds.map { " · \(Self.duration($0)) left" } ?? "")
    let barWidth = max(0, min(20, inner.maxX - x - tail.count - 2))
    if barWidth > 0 {
      let filled = Int((Double(barWidth) * fraction).rounded(.down))
      x = grid.put(
        "▕" + String(repeating: "█", count: filled)
          + String(repeating: "░", count: barWidth - filled) + "▏", x: x, y: inner.y,
        style: Theme.positive, maxX: inner.maxX)
    }
    grid.put(tail, x: x, y: inner.y, style: .plain, maxX: inner.maxX)
  }

  /// 42s, 3m05s, 1h02m.
  static func duration(_ seconds: Double) -> String {
    let s = max(0, Int(seconds.rounded()))
    func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    if s < 60 { return "\(s)s" }
    if s < 3600 { return "\(s / 60)m\(two(s % 60))s" }
    return "\(s / 3600)h\(two(s / 60 % 60))m"
  }

  /// "lr 5e-05 · mb 2": the learning rate the step reports using (else the configured one) and
  /// the mini-batches per epoch.
  private func settingsNote(lr: Double?) -> String {
    let settings = explorer.settings
    var parts: [String] = []
    if let lr {
      parts.append("lr \(Float(lr))")
    } else if let v = settings["actor.optim.lr"] {
      parts.append("lr \(v)")
    }
    if let mb = settings["actor.ppo_mini_batches"] { parts.append("mb \(mb)") }
    return parts.joined(separator: " · ")
  }
}
