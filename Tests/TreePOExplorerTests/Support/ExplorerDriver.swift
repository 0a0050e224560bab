import TreePOExplorer
import TreePOTrace

// The headless driver scenario tests use: events and keys in, rendered lines out — what the real
// terminal driver does, minus the terminal.

struct ExplorerDriver {
  var explorer: Explorer
  var size: Size
  /// Every command the explorer handed back, in order.
  var commands: [ExplorerCommand] = []

  init(
    _ mode: ExplorerMode = .live, size: Size = Size(width: 100, height: 30),
    colorDepth: ColorDepth = .colors256, settings: [String: String] = [:]
  ) {
    explorer = Explorer(mode: mode, colorDepth: colorDepth, settings: settings)
    self.size = size
    explorer.resize(size)
  }

  mutating func feed(_ events: [TreeEvent]) {
    for e in events { explorer.apply(e) }
  }

  mutating func press(_ keys: Key...) {
    for key in keys { commands += explorer.handle(key) }
  }

  /// Types a string key by key (e.g. "jjl").
  mutating func type(_ text: String) {
    for c in text { commands += explorer.handle(.character(c)) }
  }

  mutating func resize(_ newSize: Size) {
    size = newSize
    explorer.resize(newSize)
  }

  var grid: CellGrid { explorer.render(size: size) }
  var lines: [String] { grid.lines }
  var screen: String { lines.joined(separator: "\n") }

  /// The first line containing `text`, or nil.
  func line(containing text: String) -> String? { lines.first { $0.contains(text) } }
}
