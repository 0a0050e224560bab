// BPETokenizer → Hugging Face `tokenizer.json` and `tokenizer_config.json`, so a model trained
// from a GGUF file or an HF folder saves as a folder that both the engine (`loadAny`) and
// transformers load with the same tokenization. The merges come back from the pair table in rank
// order; a repeated pair (only its lowest rank ever applies) is written once.

extension BPETokenizer {
  /// The merges in rank order as (left, right) spellings.
  public var mergeList: [(String, String)] {
    var ranked: [(rank: UInt32, a: Int, b: Int)] = []
    ranked.reserveCapacity(merges.keys.count / 2)
    for (key, value) in zip(merges.keys, merges.values) where key != PairTable.empty {
      ranked.append(
        (UInt32(truncatingIfNeeded: value >> 32), Int(key >> 32), Int(key & 0xFFFF_FFFF)))
    }
    ranked.sort { $0.rank < $1.rank }
    return ranked.map { (tokens[$0.a], tokens[$0.b]) }
  }

  var preTokenizerJSON: JSONValue {
    func byteLevel(regex: Bool) -> JSONValue {
      .object([
        ("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
        ("trim_offsets", .bool(true)), ("use_regex", .bool(regex)),
      ])
    }
    func split(_ pattern: String) -> JSONValue {
      .object([
        ("type", .string("Split")), ("pattern", .object([("Regex", .string(pattern))])),
        ("behavior", .string("Isolated")), ("invert", .bool(false)),
      ])
    }
    switch preTokenizer {
    case .gpt2: return byteLevel(regex: true)
    case .smollm:
      let digits: JSONValue = .object([
        ("type", .string("Digits")), ("individual_digits", .bool(true)),
      ])
      return .object([
        ("type", .string("Sequence")), ("pretokenizers", .array([digits, byteLevel(regex: true)])),
      ])
    case .llama3, .qwen2:
      let pattern =
        preTokenizer == .llama3 ? BPEPreTokenizer.llama3Pattern : BPEPreTokenizer.qwen2Pattern
      return .object([
        ("type", .string("Sequence")),
        ("pretokenizers", .array([split(pattern), byteLevel(regex: false)])),
      ])
    }
  }

  /// `tokenizer.json`: a byte-level BPE model with this tokenizer's vocabulary, merges, added
  /// tokens and pre-tokenizer.
  public var hfTokenizer: JSONValue {
    let vocab = tokens.enumerated().compactMap { id, token -> (String, JSONValue)? in
      token.isEmpty ? nil : (token, .int(id))
    }
    let added = addedTokens.sorted { $0.key < $1.key }.map { id, content -> JSONValue in
      .object([
        ("id", .int(id)), ("content", .string(content)), ("single_word", .bool(false)),
        ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)),
        ("special", .bool(true)),
      ])
    }
    let merges = mergeList.map { JSONValue.array([.string($0.0), .string($0.1)]) }
    return .object([
      ("version", .string("1.0")),
      ("truncation", .null),
      ("padding", .null),
      ("added_tokens", .array(added)),
      ("normalizer", normalizesNFC ? .object([("type", .string("NFC"))]) : .null),
      ("pre_tokenizer", preTokenizerJSON),
      ("post_processor", .null),
      (
        "decoder",
        .object([
          ("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)),
          ("trim_offsets", .bool(true)), ("use_regex", .bool(true)),
        ])
      ),
      (
        "model",
        .object([
          ("type", .string("BPE")), ("dropout", .null), ("unk_token", .null),
          ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null),
          ("fuse_unk", .bool(false)), ("byte_fallback", .bool(false)),
          ("ignore_merges", .bool(ignoreMerges)), ("vocab", .object(vocab)),
          ("merges", .array(merges)),
        ])
      ),
    ])
  }

  /// `tokenizer_config.json`: the special tokens by spelling, whether a raw prompt starts with
  /// BOS, and the chat template when there is one.
  public func hfTokenizerConfig(chatTemplate: String?) -> JSONValue {
    var fields: [(String, JSONValue)] = [
      ("tokenizer_class", .string("PreTrainedTokenizerFast")),
      ("add_bos_token", .bool(addBOS)),
      ("eos_token", .string(tokens[eosId])),
      ("model_max_length", .int(1 << 20)),
    ]
    if let bosId { fields.append(("bos_token", .string(tokens[bosId]))) }
    if let padId { fields.append(("pad_token", .string(tokens[padId]))) }
    if let chatTemplate { fields.append(("chat_template", .string(chatTemplate))) }
    return .object(fields)
  }
}
