import CNcursesw
import TreePOExplorer

/// How many colours the screen gets: decided once from `COLORS`, `NO_COLOR` and `--no-color`.
enum ColorSupport: Sendable, Equatable {
  /// Attributes only (bold, dim, reverse, underline); glyphs and signs still carry the meaning.
  case none
  /// 8 colours: bright variants become the base colour plus bold.
  case basic
  /// 16 or more (256 on tmux-256color / xterm-256color).
  case full

  /// `NO_COLOR` counts when present and non-empty (no-color.org).
  static func requested(noColorFlag: Bool, environment: [String: String]) -> Bool {
    !noColorFlag && (environment["NO_COLOR"] ?? "").isEmpty
  }
}

/// Maps explorer `Style`s to ncurses attributes and colour pairs, allocating pairs lazily.
/// Main thread only, like every ncurses call.
struct Palette {
  let support: ColorSupport
  private var pairs: [Int: Int16] = [:]
  private var nextPair: Int16 = 1
  private let maxPairs: Int

  /// Call after `newterm`. Starts colour only when wanted and available.
  init(colorsWanted: Bool) {
    guard colorsWanted, has_colors() else {
      support = .none
      maxPairs = 0
      return
    }
    start_color()
    use_default_colors()
    support = treepo_colors() >= 16 ? .full : (treepo_colors() >= 8 ? .basic : .none)
    maxPairs = Int(min(treepo_color_pairs(), Int32(Int16.max)))
  }

  /// The attributes and pair for one style.
  mutating func resolve(_ style: Style) -> (attributes: attr_t, pair: Int16) {
    var attributes = treepo_a_normal()
    if style.bold { attributes |= treepo_a_bold() }
    if style.dim { attributes |= treepo_a_dim() }
    if style.reverse { attributes |= treepo_a_reverse() }
    if style.underline { attributes |= treepo_a_underline() }
    guard support != .none else { return (attributes, 0) }
    let (foreground, brighten) = number(style.foreground)
    let (background, _) = number(style.background)
    if brighten { attributes |= treepo_a_bold() }
    if foreground < 0 && background < 0 { return (attributes, 0) }
    let key = Int(foreground + 1) * 64 + Int(background + 1)
    if let pair = pairs[key] { return (attributes, pair) }
    guard Int(nextPair) < maxPairs else { return (attributes, 0) }
    let pair = nextPair
    nextPair += 1
    init_pair(pair, foreground, background)
    pairs[key] = pair
    return (attributes, pair)
  }

  /// ncurses colour number (-1 = the terminal's default) and whether bold stands in for bright.
  private func number(_ color: Color) -> (Int16, Bool) {
    switch color {
    case .default: return (-1, false)
    case .black: return (0, false)
    case .red: return (1, false)
    case .green: return (2, false)
    case .yellow: return (3, false)
    case .blue: return (4, false)
    case .magenta: return (5, false)
    case .cyan: return (6, false)
    case .white: return (7, false)
    default:
      let base = Int16(color.rawValue) - Int16(Color.brightBlack.rawValue)
      return support == .full ? (8 + base, false) : (base, true)
    }
  }
}
