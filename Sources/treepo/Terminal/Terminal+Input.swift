import CNcursesw
import TreePOExplorer

/// What one `wget_wch` read becomes.
enum TerminalInput: Equatable {
  case key(Key)
  case resize
}

extension Terminal {
  /// Drains everything ncurses has buffered (nodelay: returns at the first ERR).
  func readInput() -> [TerminalInput] {
    var inputs: [TerminalInput] = []
    var code: wint_t = 0
    while true {
      let status = wget_wch(treepo_stdscr(), &code)
      if status == ERR { break }
      let input =
        status == KEY_CODE_YES ? Self.translate(keyCode: Int32(code)) : Self.translate(char: code)
      if let input { inputs.append(input) }
    }
    return inputs
  }

  /// A character read by `wget_wch`: printable, or a control code from raw mode.
  static func translate(char code: wint_t) -> TerminalInput? {
    switch code {
    case 3: return .key(.control("c"))
    case 9: return .key(.tab)
    case 10, 13: return .key(.enter)
    case 27: return .key(.escape)
    case 8, 127: return .key(.backspace)
    case 1...26: return .key(.control(Character(Unicode.Scalar(UInt8(code) + 96))))
    default:
      guard let scalar = Unicode.Scalar(UInt32(code)) else { return nil }
      return .key(.character(Character(scalar)))
    }
  }

  /// A function key (`KEY_CODE_YES`).
  static func translate(keyCode: Int32) -> TerminalInput? {
    switch keyCode {
    case KEY_UP: return .key(.up)
    case KEY_DOWN: return .key(.down)
    case KEY_LEFT: return .key(.left)
    case KEY_RIGHT: return .key(.right)
    case KEY_HOME: return .key(.home)
    case KEY_END: return .key(.end)
    case KEY_PPAGE: return .key(.pageUp)
    case KEY_NPAGE: return .key(.pageDown)
    case KEY_BACKSPACE: return .key(.backspace)
    case KEY_ENTER: return .key(.enter)
    case KEY_BTAB: return .key(.backTab)
    case KEY_RESIZE: return .resize
    case KEY_MOUSE: return readMouse()
    default: return nil
    }
  }

  private static func readMouse() -> TerminalInput? {
    var x: Int32 = 0
    var y: Int32 = 0
    switch Int(treepo_read_mouse(&x, &y)) {
    case TREEPO_MOUSE_PRESS: return .key(.mouseClick(x: Int(x), y: Int(y)))
    case TREEPO_MOUSE_WHEEL_UP: return .key(.scrollUp)
    case TREEPO_MOUSE_WHEEL_DOWN: return .key(.scrollDown)
    default: return nil
    }
  }
}
