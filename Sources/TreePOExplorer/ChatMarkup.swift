// A chat model's prompt is mostly template: `<|im_start|>system⏎…<|im_end|>⏎<|im_start|>user⏎`.
// The explorer dims that markup (special tokens, the role line after a turn opener, the newline
// after a turn) and shows the user's question where a prompt gets one line (the tree's root row,
// the batch list). A prompt without `<|…|>` markup (the task models') is one plain run.

public enum ChatMarkup {
  public struct Run: Equatable, Sendable {
    public var text: String
    public var markup: Bool
    public init(text: String, markup: Bool) {
      self.text = text
      self.markup = markup
    }
  }

  /// Turn openers: the role name after them, up to the line's end, is markup too.
  static let openers: Set<String> = ["<|im_start|>", "<|start_header_id|>"]

  /// The prompt as runs of markup and content, in order; joined they are the prompt.
  public static func runs(_ prompt: String) -> [Run] {
    var runs: [Run] = []
    func add(_ s: Substring, markup: Bool) {
      guard !s.isEmpty else { return }
      if let last = runs.last, last.markup == markup {
        runs[runs.count - 1].text += s
      } else {
        runs.append(Run(text: String(s), markup: markup))
      }
    }
    var rest = prompt[...]
    while let token = nextSpecialToken(in: rest) {
      add(rest[..<token.lowerBound], markup: false)
      add(rest[token], markup: true)
      var after = rest[token.upperBound...]
      if openers.contains(String(rest[token])) {
        // The role: up to and including the newline, unless another token comes first.
        let end = after.firstIndex(of: "\n").map { after.index(after: $0) } ?? after.endIndex
        let stop = after.range(of: "<|").map { min($0.lowerBound, end) } ?? end
        add(after[..<stop], markup: true)
        after = after[stop...]
      } else {
        let newlines = after.prefix { $0 == "\n" }
        add(newlines, markup: true)
        after = after.dropFirst(newlines.count)
      }
      rest = after
    }
    add(rest, markup: false)
    return runs
  }

  /// The content of the last user turn of a ChatML prompt; nil when the prompt has none.
  public static func question(_ prompt: String) -> String? {
    questionRange(prompt).map { String(prompt[$0]) }
  }

  /// Where the content of the last user turn of a ChatML prompt is; nil when it has none.
  public static func questionRange(_ prompt: String) -> Range<String.Index>? {
    guard let open = prompt.range(of: "<|im_start|>user\n", options: .backwards) else {
      return nil
    }
    let rest = prompt[open.upperBound...]
    let end = rest.range(of: "<|im_end|>")?.lowerBound ?? rest.endIndex
    return open.upperBound..<end
  }

  /// What a one-line view shows for a prompt: the question of a chat prompt, else the prompt.
  public static func headline(_ prompt: String) -> String { question(prompt) ?? prompt }

  /// The next `<|name|>` (no spaces or newlines inside, at most 40 characters).
  static func nextSpecialToken(in s: Substring) -> Range<Substring.Index>? {
    var search = s[...]
    while let open = search.range(of: "<|") {
      let tail = search[open.upperBound...].prefix(40)
      if let close = tail.range(of: "|>") {
        let name = tail[..<close.lowerBound]
        if !name.isEmpty && !name.contains(where: { $0 == " " || $0 == "\n" }) {
          return open.lowerBound..<close.upperBound
        }
      }
      search = search[open.upperBound...]
    }
    return nil
  }
}
