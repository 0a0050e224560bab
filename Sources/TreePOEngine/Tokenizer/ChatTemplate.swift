// Chat formatting without a Jinja engine: the chat template a model ships (GGUF
// tokenizer.chat_template, tokenizer_config.json's chat_template) is recognised as one of the
// known ChatML layouts and rendered in Swift. Recognition compares the template's structure,
// not a checksum: whitespace outside string literals, Jinja's `-` trim markers and the spelling
// of string escapes are ignored, and the default system prompt (the only free part) is read out.
// A template that is not one of them is refused in one sentence that points to `--raw`.

public struct ChatMessage: Sendable, Equatable {
  public var role: String
  public var content: String
  public init(role: String, content: String) {
    self.role = role
    self.content = content
  }
}

public enum ChatTemplate: Sendable, Equatable {
  /// `<|im_start|>role\ncontent<|im_end|>\n` per message; `defaultSystem` is inserted first when
  /// the conversation does not start with a system message (SmolLM2, Qwen2); the generation
  /// prompt is `<|im_start|>assistant\n`.
  case chatML(defaultSystem: String?)

  /// Recognises `template`; `source` names the file in the error sentence.
  public init(recognizing template: String, source: String) throws(CheckpointError) {
    let canonical = Self.canonical(template)
    if canonical == Self.canonical(Self.chatMLLoop) {
      self = .chatML(defaultSystem: nil)
      return
    }
    let parts = Self.canonical(Self.chatMLWithSystem).components(separatedBy: "SYSTEM")
    if parts.count == 2, canonical.hasPrefix(parts[0]), canonical.hasSuffix(parts[1]),
      canonical.count >= parts[0].count + parts[1].count
    {
      let system = canonical.dropFirst(parts[0].count).dropLast(parts[1].count)
      // The free part must be literal text, not code that happens to sit between the two halves.
      if !["'+", "+'", "{{", "{%", "}}", "%}"].contains(where: system.contains) {
        self = .chatML(defaultSystem: String(system))
        return
      }
    }
    throw .badTokenizer(
      path: source,
      reason: "the chat template is not one the engine recognises (it knows the ChatML templates "
        + "of SmolLM2 and Qwen2 and has no Jinja engine); pass --raw to send the prompt as it is")
  }

  /// The prompt text for `messages`, ending with the assistant's turn opener when
  /// `addGenerationPrompt` is set.
  public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
    switch self {
    case .chatML(let defaultSystem):
      var out = ""
      if let defaultSystem, let first = messages.first, first.role != "system" {
        out += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
      }
      for m in messages { out += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
      if addGenerationPrompt { out += "<|im_start|>assistant\n" }
      return out
    }
  }

  /// One user turn (after an optional system message), ready for the assistant's answer.
  public func prompt(user: String, system: String? = nil) -> String {
    render(
      (system.map { [ChatMessage(role: "system", content: $0)] } ?? [])
        + [ChatMessage(role: "user", content: user)])
  }

  static let chatMLLoop =
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
    + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    + "{{ '<|im_start|>assistant\\n' }}{% endif %}"
  static let chatMLWithSystem =
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    + "{{ '<|im_start|>system\\nSYSTEM<|im_end|>\\n' }}{% endif %}{{'<|im_start|>' + "
    + "message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}"
    + "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"

  package static var chatMLWithSystemForTesting: String { chatMLWithSystem }

  /// Drops whitespace and trim markers outside string literals, writes every literal with single
  /// quotes and its escapes resolved (`\n` and a real newline read the same).
  static func canonical(_ template: String) -> String {
    var out = ""
    let chars = Array(template)
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if c == "'" || c == "\"" {
        out.append("'")
        i += 1
        while i < chars.count && chars[i] != c {
          if chars[i] == "\\" && i + 1 < chars.count {
            let e = chars[i + 1]
            out.append(e == "n" ? "\n" : e == "t" ? "\t" : e)
            i += 2
          } else {
            out.append(chars[i])
            i += 1
          }
        }
        out.append("'")
        i += 1
      } else if c.isWhitespace {
        i += 1
      } else if c == "-" && (out.hasSuffix("{%") || out.hasSuffix("{{")) {
        i += 1
      } else if c == "-" && i + 1 < chars.count && (chars[i + 1] == "%" || chars[i + 1] == "}") {
        i += 1
      } else {
        out.append(c)
        i += 1
      }
    }
    return out
  }
}
