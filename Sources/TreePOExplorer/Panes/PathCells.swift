import TreePOTrace

// The Path pane's content as a stream of cells (one printable character and its style each): the
// prompt's runs, then for every segment a dim "┊" and its tokens. The stream is walked from a
// position forward or backward, so a frame costs the cells on screen, however long the path is
// (a real response runs to 16,000 tokens and more).

struct PathCells {
  /// A run of the stream: the prompt, a separator or a segment.
  struct Part {
    var strings: Strings
    /// The style of a cell, by its string's index or (one token per character) its character's.
    var style: (Int) -> Style
  }

  enum Strings {
    /// One text; with `perCharacter` each character is a token (its ordinal picks the style).
    case text(Substring, perCharacter: Bool, characters: Int)
    /// Token texts, one style each.
    case tokens([String])
    /// The prompt's markup runs.
    case runs([Substring])

    var count: Int {
      switch self {
      case .text: 1
      case .tokens(let t): t.count
      case .runs(let r): r.count
      }
    }

    subscript(i: Int) -> Substring {
      switch self {
      case .text(let s, _, _): s
      case .tokens(let t): t[i][...]
      case .runs(let r): r[i]
      }
    }
  }

  /// A cell of the stream (or its end): part, string, index in the string, and the character's
  /// ordinal in its string (it styles a one-token-per-character segment).
  struct Position: Comparable {
    var part: Int
    var string: Int
    var index: String.Index
    var ordinal: Int

    static func == (a: Position, b: Position) -> Bool {
      a.part == b.part && a.string == b.string && a.index == b.index
    }
    static func < (a: Position, b: Position) -> Bool {
      (a.part, a.string) != (b.part, b.string)
        ? (a.part, a.string) < (b.part, b.string) : a.index < b.index
    }
  }

  let parts: [Part]
  let start: Position
  let end: Position

  init(parts: [Part]) {
    self.parts = parts
    end = Position(part: parts.count, string: 0, index: "".startIndex, ordinal: 0)
    start = Self.first(part: 0, string: 0, parts)
  }

  /// The first cell of the stream at or after the start of string `string` of part `part`.
  private static func first(part: Int, string: Int, _ parts: [Part]) -> Position {
    var (part, string) = (part, string)
    while part < parts.count {
      let strings = parts[part].strings
      while string < strings.count {
        let s = strings[string]
        if !s.isEmpty {
          return Position(part: part, string: string, index: s.startIndex, ordinal: 0)
        }
        string += 1
      }
      part += 1
      string = 0
    }
    return Position(part: parts.count, string: 0, index: "".startIndex, ordinal: 0)
  }

  func cell(at p: Position) -> (Character, Style) {
    let part = parts[p.part]
    let c = printable(part.strings[p.string][p.index])
    if case .text(_, let perCharacter, _) = part.strings {
      return (c, part.style(perCharacter ? max(0, p.ordinal) : 0))
    }
    return (c, part.style(p.string))
  }

  func position(after p: Position) -> Position {
    let s = parts[p.part].strings[p.string]
    let index = s.index(after: p.index)
    if index < s.endIndex {
      return Position(part: p.part, string: p.string, index: index, ordinal: p.ordinal + 1)
    }
    return Self.first(part: p.part, string: p.string + 1, parts)
  }

  /// The cell before `p`; nil at the start.
  func position(before p: Position) -> Position? {
    if p.part < parts.count {
      let s = parts[p.part].strings[p.string]
      if p.index > s.startIndex {
        return Position(
          part: p.part, string: p.string, index: s.index(before: p.index),
          ordinal: max(0, p.ordinal - 1))
      }
    }
    var part = p.part
    var string = p.string
    while true {
      if string > 0 {
        string -= 1
      } else {
        guard part > 0 else { return nil }
        part -= 1
        string = parts[part].strings.count
        continue
      }
      let strings = parts[part].strings
      let s = strings[string]
      guard !s.isEmpty else { continue }
      var ordinal = 0
      if case .text(_, true, let characters) = strings { ordinal = characters - 1 }
      return Position(
        part: part, string: string, index: s.index(before: s.endIndex), ordinal: ordinal)
    }
  }
}

extension PathCells.Position {
  /// The position as plain numbers (the state keeps it): byte offset instead of string index.
  func offsets(in cells: PathCells) -> (part: Int, string: Int, byte: Int, ordinal: Int) {
    guard part < cells.parts.count else { return (part, 0, 0, 0) }
    let s = cells.parts[part].strings[string]
    return (part, string, s.utf8.distance(from: s.startIndex, to: index), ordinal)
  }

  /// Back from plain numbers; nil when they do not fit the stream (the path changed).
  init?(part: Int, string: Int, byte: Int, ordinal: Int, in cells: PathCells) {
    guard part >= 0, part < cells.parts.count, string >= 0,
      string < cells.parts[part].strings.count, byte >= 0, ordinal >= 0
    else { return nil }
    let s = cells.parts[part].strings[string]
    guard byte < s.utf8.count else { return nil }
    self.init(
      part: part, string: string, index: s.utf8.index(s.startIndex, offsetBy: byte),
      ordinal: ordinal)
  }
}
