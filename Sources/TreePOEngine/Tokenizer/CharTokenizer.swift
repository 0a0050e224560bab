// The character vocabulary of the bundled tasks: one token per character, id 0 is padding.
// `$` ends a completion and doubles as EOS.

public struct CharTokenizer: Sendable, Equatable {
  public static let padToken = "<pad>"
  /// The characters of the Countdown and chain-arithmetic tasks, in id order after padding.
  public static let taskCharacters: [Character] = Array("0123456789 +-*/=()>:$")

  public let characters: [Character]
  private let ids: [Character: Int]

  public init(characters: [Character] = CharTokenizer.taskCharacters) {
    self.characters = characters
    var ids: [Character: Int] = [:]
    for (i, c) in characters.enumerated() { ids[c] = i + 1 }
    self.ids = ids
  }

  public var vocabSize: Int { characters.count + 1 }
  public var padId: Int { 0 }
  public var eosId: Int { ids["$"] ?? 0 }

  /// The token string of an id, as stored in tokenizer.json.
  public func token(_ id: Int) -> String {
    id == 0 ? Self.padToken : (id <= characters.count ? String(characters[id - 1]) : "<unk>")
  }

  public func id(of c: Character) -> Int? { ids[c] }

  /// Encodes text; nil names the first character outside the vocabulary.
  public func encode(_ text: String) throws(TokenizerError) -> [Int] {
    var out: [Int] = []
    out.reserveCapacity(text.count)
    for c in text {
      guard let id = ids[c] else { throw .unknownCharacter(c) }
      out.append(id)
    }
    return out
  }

  public func decode(_ tokens: some Sequence<Int>) -> String {
    var s = ""
    for t in tokens where t > 0 && t <= characters.count { s.append(characters[t - 1]) }
    return s
  }
}

public enum TokenizerError: Error, Equatable, CustomStringConvertible {
  case unknownCharacter(Character)
  /// Any other reason, already a sentence fragment (e.g. from a BPE tokenizer).
  case invalid(String)
  public var description: String {
    switch self {
    case .unknownCharacter(let c): "the character \"\(c)\" is not in the model's vocabulary"
    case .invalid(let reason): reason
    }
  }
}
