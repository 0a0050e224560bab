// The explorer renders into this grid; only the `treepo` target copies it to a terminal.
// A cell holds one grapheme (wide ones take two columns: the second cell is a `continuation`).

public enum Color: UInt8, Sendable, Equatable, CaseIterable {
  case `default`, black, red, green, yellow, blue, magenta, cyan, white
  case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan,
    brightWhite
}

public struct Style: Sendable, Equatable, Hashable {
  public var foreground: Color
  public var background: Color
  public var bold: Bool
  public var dim: Bool
  public var reverse: Bool
  public var underline: Bool
  public init(
    foreground: Color = .default, background: Color = .default, bold: Bool = false,
    dim: Bool = false, reverse: Bool = false, underline: Bool = false
  ) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }
  public static let plain = Style()
}

public struct Cell: Sendable, Equatable {
  public var character: Character
  public var style: Style
  /// True for the right half of a two-column character; the terminal skips it.
  public var continuation: Bool
  public init(_ character: Character = " ", style: Style = .plain, continuation: Bool = false) {
    self.character = character
    self.style = style
    self.continuation = continuation
  }
}

public struct Size: Sendable, Equatable {
  public var width: Int
  public var height: Int
  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }
}

public struct Rect: Sendable, Equatable {
  public var x: Int, y: Int, width: Int, height: Int
  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }
  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width == 0 || height == 0 }
}

public struct CellGrid: Sendable, Equatable {
  public let size: Size
  public private(set) var cells: [Cell]

  public init(size: Size) {
    self.size = size
    cells = Array(repeating: Cell(), count: max(0, size.width * size.height))
  }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * size.width + x] }
    set {
      guard x >= 0, y >= 0, x < size.width, y < size.height else { return }
      cells[y * size.width + x] = newValue
    }
  }

  /// The text plane, one string per row, trailing spaces kept.
  public var lines: [String] {
    (0..<size.height).map { y in
      var s = ""
      for x in 0..<size.width where !self[x, y].continuation { s.append(self[x, y].character) }
      return s
    }
  }
}

extension CellGrid: CustomStringConvertible {
  /// Quoted rows, so a failing snapshot test shows the screen exactly.
  public var description: String { lines.map { "\"\($0)\"" }.joined(separator: "\n") }
}
