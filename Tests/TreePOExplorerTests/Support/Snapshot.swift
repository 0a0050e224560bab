import Foundation
import Testing
import TreePOExplorer

// Whole-grid snapshots: the text plane, a style plane (one letter per distinct style, a space for
// plain) and the legend of those letters. Stored in Tests/Snapshots/TreePOExplorer/NAME.txt
// (outside the target's folder, so SwiftPM does not ask to declare them as resources).
// A missing or different snapshot fails; TREEPO_RECORD=1 writes the current grid (and still fails,
// so a recording is always looked at before it is trusted).

func snapshotText(_ grid: CellGrid) -> String {
  var letters: [Style: Character] = [.plain: " "]
  var order: [Style] = []
  let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
  var styleRows: [String] = []
  for y in 0..<grid.size.height {
    var row = ""
    for x in 0..<grid.size.width where !grid[x, y].continuation {
      let style = grid[x, y].style
      if letters[style] == nil {
        letters[style] = alphabet[min(order.count, alphabet.count - 1)]
        order.append(style)
      }
      row.append(letters[style]!)
    }
    styleRows.append(row)
  }
  var out = "text:\n" + grid.description + "\nstyle:\n"
  out += styleRows.map { "\"\($0)\"" }.joined(separator: "\n")
  out += "\nlegend:\n"
  for style in order { out += "\(letters[style]!) = \(describe(style))\n" }
  return out
}

private func describe(_ s: Style) -> String {
  var parts: [String] = []
  if s.foreground != .default { parts.append("fg \(s.foreground)") }
  if s.background != .default { parts.append("bg \(s.background)") }
  if s.bold { parts.append("bold") }
  if s.dim { parts.append("dim") }
  if s.reverse { parts.append("reverse") }
  if s.underline { parts.append("underline") }
  return parts.joined(separator: ", ")
}

func assertSnapshot(
  _ grid: CellGrid, named name: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Snapshots/TreePOExplorer")
  let url = dir.appendingPathComponent("\(name).txt")
  let actual = snapshotText(grid)
  if ProcessInfo.processInfo.environment["TREEPO_RECORD"] == "1" {
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try? actual.write(to: url, atomically: true, encoding: .utf8)
    Issue.record(
      "recorded snapshot \(name); check it and run again", sourceLocation: sourceLocation)
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    Issue.record(
      "no snapshot \(url.path); run with TREEPO_RECORD=1 to record it\n\(actual)",
      sourceLocation: sourceLocation)
    return
  }
  if expected != actual {
    Issue.record(
      "snapshot \(name) differs.\nexpected:\n\(expected)\nactual:\n\(actual)",
      sourceLocation: sourceLocation)
  }
}
