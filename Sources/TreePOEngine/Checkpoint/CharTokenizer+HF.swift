// CharTokenizer ⇄ HF `tokenizer.json`: a WordLevel model over single characters, a pre-tokenizer
// that isolates every character (regex "."; spaces are tokens too), a Fuse decoder so decoding
// concatenates, and `<pad>` (id 0) as a special added token. The `tokenizers` library loads it and
// encodes text to the same ids as the engine (checked by scripts/golden/make_fixtures.py).

extension CharTokenizer {
  public var hfTokenizer: JSONValue {
    let vocab = (0..<vocabSize).map { (token($0), JSONValue.int($0)) }
    return .object([
      ("version", .string("1.0")),
      ("truncation", .null),
      ("padding", .null),
      (
        "added_tokens",
        .array([
          .object([
            ("id", .int(padId)), ("content", .string(Self.padToken)), ("single_word", .bool(false)),
            ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)),
            ("special", .bool(true)),
          ])
        ])
      ),
      ("normalizer", .null),
      (
        "pre_tokenizer",
        .object([
          ("type", .string("Split")), ("pattern", .object([("Regex", .string("."))])),
          ("behavior", .string("Isolated")), ("invert", .bool(false)),
        ])
      ),
      ("post_processor", .null),
      ("decoder", .object([("type", .string("Fuse"))])),
      (
        "model",
        .object([
          ("type", .string("WordLevel")), ("vocab", .object(vocab)),
          ("unk_token", .string(Self.padToken)),
        ])
      ),
    ])
  }

  /// The `tokenizer_config.json` that lets `AutoTokenizer` pick the fast tokenizer.
  public var hfTokenizerConfig: JSONValue {
    .object([
      ("tokenizer_class", .string("PreTrainedTokenizerFast")),
      ("pad_token", .string(Self.padToken)),
      ("eos_token", .string(token(eosId))),
      ("model_max_length", .int(1 << 20)),
    ])
  }

  /// Reads a character-level `tokenizer.json`: a WordLevel vocabulary whose ids are 0..<n, id 0
  /// the pad token, every other token a single character.
  public init(hfTokenizer bytes: [UInt8], path: String) throws(CheckpointError) {
    let json = try JSONValue.parseCheckpointFile(bytes, path: path)
    guard let model = json["model"] else { throw .missingKey(path: path, key: "model") }
    guard model["type"]?.stringValue == "WordLevel" else {
      throw .badTokenizer(
        path: path,
        reason: "model.type is \(model["type"]?.serialized(indent: nil) ?? "missing"), "
          + "but only the character-level WordLevel tokenizer is supported")
    }
    guard case .object(let vocab) = model["vocab"] else {
      throw .missingKey(path: path, key: "model.vocab")
    }
    var byId = [String?](repeating: nil, count: vocab.count)
    for (token, value) in vocab {
      guard let id = value.intValue, id >= 0, id < vocab.count, byId[id] == nil else {
        throw .badTokenizer(
          path: path,
          reason: "token \(JSONValue.string(token).serialized()) has id "
            + "\(value.serialized(indent: nil)), but ids must be 0..<\(vocab.count), each used once"
        )
      }
      byId[id] = token
    }
    guard byId.first == Self.padToken else {
      throw .badTokenizer(path: path, reason: "id 0 must be the pad token \(Self.padToken)")
    }
    var characters: [Character] = []
    for (id, token) in byId.enumerated().dropFirst() {
      // Every id 0..<n was assigned exactly once above, so `token` is set.
      guard let token, token.count == 1, let c = token.first else {
        throw .badTokenizer(
          path: path,
          reason: "token \(JSONValue.string(token ?? "").serialized()) (id \(id)) is not a single "
            + "character, but only character-level vocabularies are supported")
      }
      characters.append(c)
    }
    self.init(characters: characters)
  }
}
