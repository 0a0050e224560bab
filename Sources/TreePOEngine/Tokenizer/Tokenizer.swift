// The one tokenizer contract the engine works with: the bundled models' character vocabulary
// (CharTokenizer) and byte-level BPE for real models both sit behind it.

public protocol Tokenizer: Sendable {
  /// Number of ids the tokenizer can produce (≤ the model's vocab_size).
  var vocabSize: Int { get }
  /// The id that ends a completion (the task terminator or the model's EOS).
  var eosId: Int { get }
  /// Every id that ends a completion (EOS, end-of-turn…); contains `eosId`.
  var stopIds: [Int] { get }
  /// Text to ids; throws a sentence naming what could not be encoded.
  func encode(_ text: String) throws(TokenizerError) -> [Int]
  /// Ids back to text (whole sequences; bytes split across tokens are joined first).
  func decode(_ tokens: [Int]) -> String
  /// The token's own text for display (one token, may be a partial UTF-8 sequence shown escaped).
  func tokenText(_ id: Int) -> String
  /// The bytes the token contributes to a decode (a byte-level token may be part of a character).
  func tokenBytes(_ id: Int) -> [UInt8]
}

extension Tokenizer {
  public var stopIds: [Int] { [eosId] }
  public func tokenBytes(_ id: Int) -> [UInt8] { Array(decode([id]).utf8) }
}

extension CharTokenizer: Tokenizer {
  public func decode(_ tokens: [Int]) -> String { decode(tokens[...]) }
  public func tokenText(_ id: Int) -> String { token(id) }
}
