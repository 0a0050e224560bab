import CNcursesw
import TreePOExplorer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The ncurses screen: opens and restores the terminal, copies `CellGrid`s onto it and reads keys
/// (`Terminal+Input.swift`). The only place that talks to ncurses; main thread only.
final class Terminal {
  private(set) var size: Size
  private var palette: Palette
  /// The last grid drawn, to send only the cells that changed.
  private var shown: CellGrid?
  /// Scratch for one cell's characters (spacing + up to 4 combining, NUL-terminated).
  private var characters = [wchar_t](repeating: 0, count: 6)

  var colorSupport: ColorSupport { palette.support }

  /// Fails — before touching the terminal — when stdin/stdout are not a terminal or the terminal
  /// type is unknown. `SignalGuard.install` must have run.
  init(colorsWanted: Bool) throws(TerminalError) {
    guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
      throw .notATerminal(
        "treepo's explorer needs a terminal, but standard input or output is not one "
          + "(run it in a terminal, or use `treepo sample` for a headless run).")
    }
    setlocale(LC_ALL, "")
    let term = getenv("TERM").map { String(cString: $0) } ?? ""
    // newterm, unlike initscr, returns NULL for an unknown terminal instead of exiting.
    guard !term.isEmpty, treepo_newterm() != nil else {
      throw .notATerminal(
        "treepo cannot drive the terminal type TERM=\"\(term)\" (set TERM, e.g. xterm-256color).")
    }
    set_escdelay(25)  // a lone Esc arrives after 25 ms, not ncurses' default 1 s
    raw()  // Ctrl-C arrives as key 3: the explorer quits and restores the screen itself
    noecho()
    nonl()
    curs_set(0)
    keypad(treepo_stdscr(), true)
    nodelay(treepo_stdscr(), true)
    treepo_enable_mouse()
    palette = Palette(colorsWanted: colorsWanted)
    size = Size(width: 0, height: 0)
    SignalGuard.screenOpened()
    size = Self.currentSize()
  }

  /// Idempotent; also reached from the atexit hook.
  func close() {
    SignalGuard.closeScreenIfOpen()
  }

  /// After KEY_RESIZE: take the new size and draw everything on the next `draw`.
  func resized() {
    size = Self.currentSize()
    shown = nil
    erase()
  }

  /// Ctrl-L: repaint the whole screen from scratch on the next `draw`.
  func invalidate() {
    shown = nil
    clearok(treepo_stdscr(), true)
  }

  /// Copies the grid to the screen. Cells beyond either size are ignored.
  func draw(_ grid: CellGrid) {
    let width = min(grid.size.width, size.width)
    let height = min(grid.size.height, size.height)
    let previous = shown.flatMap { $0.size == grid.size ? $0 : nil }
    if previous == nil { erase() }
    for y in 0..<height {
      var x = 0
      while x < width {
        let cell = grid[x, y]
        // A wide character also covers the next column: redraw both when either frame has one.
        let wide = x + 1 < grid.size.width && grid[x + 1, y].continuation
        if let previous {
          let wasWide = x + 1 < grid.size.width && previous[x + 1, y].continuation
          if previous[x, y] == cell && wide == wasWide {
            x += 1
            continue
          }
        }
        if !cell.continuation { put(cell, x: x, y: y, wide: wide, lastColumn: width - 1) }
        x += 1
      }
    }
    shown = grid
    wrefresh(treepo_stdscr())
  }

  private func put(_ cell: Cell, x: Int, y: Int, wide: Bool, lastColumn: Int) {
    let (attributes, pair) = palette.resolve(cell.style)
    var count = 0
    for scalar in cell.character.unicodeScalars where count < 5 {
      characters[count] = wchar_t(bitPattern: scalar.value)
      count += 1
    }
    characters[count] = 0
    // Control characters would be drawn as ^X (two columns), and a wide character in the last
    // column does not fit: both become a one-column placeholder.
    let first = cell.character.unicodeScalars.first?.value ?? 32
    if first < 32 || first == 127 || (wide && x == lastColumn) {
      characters[0] = wchar_t(UInt8(ascii: "?"))
      characters[1] = 0
    }
    let status = characters.withUnsafeBufferPointer {
      treepo_put_cell(Int32(y), Int32(x), $0.baseAddress, attributes, pair)
    }
    if status == ERR && !(x == lastColumn && y == size.height - 1) {
      // setcchar refused the character (e.g. unknown in this locale).
      characters[0] = wchar_t(UInt8(ascii: "?"))
      characters[1] = 0
      _ = characters.withUnsafeBufferPointer {
        treepo_put_cell(Int32(y), Int32(x), $0.baseAddress, attributes, pair)
      }
    }
  }

  private static func currentSize() -> Size {
    var rows: Int32 = 0
    var cols: Int32 = 0
    treepo_screen_size(&rows, &cols)
    return Size(width: Int(cols), height: Int(rows))
  }
}
