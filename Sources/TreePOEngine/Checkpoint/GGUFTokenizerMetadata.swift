// The tokenizer a GGUF file carries (`tokenizer.ggml.*`, `tokenizer.chat_template`), as plain
// values for the tokenizer's own initializer: this file only reads and checks them.

public struct GGUFTokenizerMetadata: Sendable, Equatable {
  /// `tokenizer.ggml.model`: "gpt2" (byte-level BPE), "llama" (SentencePiece), …
  public var model: String
  /// `tokenizer.ggml.pre`: the pre-tokenizer's name ("smollm", "llama-bpe", "qwen2", …).
  public var pre: String?
  /// Token strings by id (byte-level BPE tokens are in GPT-2's byte-to-unicode alphabet).
  public var tokens: [String]
  /// "left right" merge pairs in rank order (empty for non-BPE models).
  public var merges: [String]
  /// llama.cpp token types by id (1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused,
  /// 6 byte); empty when the file has none.
  public var tokenTypes: [Int]
  public var bosId: Int?
  public var eosId: Int?
  public var paddingId: Int?
  public var unknownId: Int?
  /// End-of-turn id when the file names one (`tokenizer.ggml.eot_token_id`).
  public var eotId: Int?
  public var addBosToken: Bool?
  public var addEosToken: Bool?
  /// The Jinja chat template, verbatim.
  public var chatTemplate: String?

  public init(
    model: String, pre: String? = nil, tokens: [String], merges: [String] = [],
    tokenTypes: [Int] = [], bosId: Int? = nil, eosId: Int? = nil, paddingId: Int? = nil,
    unknownId: Int? = nil, eotId: Int? = nil, addBosToken: Bool? = nil, addEosToken: Bool? = nil,
    chatTemplate: String? = nil
  ) {
    self.model = model
    self.pre = pre
    self.tokens = tokens
    self.merges = merges
    self.tokenTypes = tokenTypes
    self.bosId = bosId
    self.eosId = eosId
    self.paddingId = paddingId
    self.unknownId = unknownId
    self.eotId = eotId
    self.addBosToken = addBosToken
    self.addEosToken = addEosToken
    self.chatTemplate = chatTemplate
  }

  /// Reads the tokenizer keys of `file`; ids must lie inside the token list.
  public init(_ file: GGUFFile) throws(GGUFError) {
    let reader = GGUFMetadataReader(file: file)
    model = try reader.string("tokenizer.ggml.model")
    pre = try reader.optionalString("tokenizer.ggml.pre")
    tokens = try reader.strings("tokenizer.ggml.tokens")
    merges = try reader.optionalStrings("tokenizer.ggml.merges") ?? []
    tokenTypes = try reader.optionalInts("tokenizer.ggml.token_type") ?? []
    guard tokenTypes.isEmpty || tokenTypes.count == tokens.count else {
      throw .badValue(
        path: file.path, key: "tokenizer.ggml.token_type",
        reason: "has \(tokenTypes.count) entries for \(tokens.count) tokens")
    }
    func id(_ key: String) throws(GGUFError) -> Int? {
      guard let v = try reader.optionalInt("tokenizer.ggml.\(key)") else { return nil }
      guard v >= 0 && v < tokens.count else {
        throw .badValue(
          path: file.path, key: "tokenizer.ggml.\(key)",
          reason: "is \(v), outside the \(tokens.count) tokens")
      }
      return v
    }
    bosId = try id("bos_token_id")
    eosId = try id("eos_token_id")
    paddingId = try id("padding_token_id")
    unknownId = try id("unknown_token_id")
    eotId = try id("eot_token_id")
    addBosToken = try reader.optionalBool("tokenizer.ggml.add_bos_token")
    addEosToken = try reader.optionalBool("tokenizer.ggml.add_eos_token")
    chatTemplate = try reader.optionalString("tokenizer.chat_template")
  }
}
