// BPETokenizer from a Hugging Face tokenizer.json (model type BPE, its pre_tokenizer, normalizer,
// decoder, post_processor and added_tokens), plus tokenizer_config.json for BOS/EOS when given.
// Only the byte-level configurations that the four known pre-tokenizers describe are accepted;
// anything else is named in one sentence rather than tokenized differently from the model.

extension BPETokenizer {
  /// - Parameters:
  ///   - config: tokenizer_config.json, for eos_token / bos_token / pad_token / add_bos_token.
  ///   - extraStopIds: e.g. generation_config.json's eos_token_id list.
  public init(
    hfTokenizer bytes: [UInt8], path: String, config: JSONValue? = nil, extraStopIds: [Int] = []
  ) throws(CheckpointError) {
    let json = try JSONValue.parseCheckpointFile(bytes, path: path)
    try self.init(hfTokenizer: json, path: path, config: config, extraStopIds: extraStopIds)
  }

  public init(
    hfTokenizer json: JSONValue, path: String, config: JSONValue? = nil, extraStopIds: [Int] = []
  ) throws(CheckpointError) {
    func bad(_ reason: String) -> CheckpointError { .badTokenizer(path: path, reason: reason) }
    func compact(_ v: JSONValue?) -> String {
      let s = v?.serialized(indent: nil) ?? "missing"
      return s.count > 120 ? String(s.prefix(117)) + "..." : s
    }
    guard let model = json["model"] else { throw .missingKey(path: path, key: "model") }
    guard model["type"]?.stringValue == "BPE" else {
      throw bad("model.type is \(compact(model["type"])), but only byte-level BPE is supported")
    }
    for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
      if let s = model[key]?.stringValue, !s.isEmpty {
        throw bad("model.\(key) is \(compact(model[key])), which byte-level BPE does not use")
      }
    }
    guard case .object(let vocab) = model["vocab"] else {
      throw .missingKey(path: path, key: "model.vocab")
    }
    var added: [(Int, String)] = []
    if case .array(let entries) = json["added_tokens"] {
      for entry in entries {
        guard let id = entry["id"]?.intValue, id >= 0, let content = entry["content"]?.stringValue
        else { throw bad("an added_tokens entry has no integer \"id\" and string \"content\"") }
        added.append((id, content))
      }
    }
    var size = 0
    for (token, value) in vocab {
      guard let id = value.intValue, id >= 0, id < 1 << 24 else {
        throw bad("token \(compact(.string(token))) has id \(compact(value)), not a small integer")
      }
      size = max(size, id + 1)
    }
    for (id, _) in added { size = max(size, id + 1) }
    var tokens = [String](repeating: "", count: size)
    for (token, value) in vocab { tokens[value.intValue!] = token }
    for (id, content) in added { tokens[id] = content }
    guard case .array(let mergeList) = model["merges"] else {
      throw .missingKey(path: path, key: "model.merges")
    }
    var merges: [(String, String)] = []
    merges.reserveCapacity(mergeList.count)
    for (rank, entry) in mergeList.enumerated() {
      switch entry {
      case .string(let s):
        let parts = s.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
          throw bad("merge \(rank) \(compact(entry)) is not two tokens")
        }
        merges.append((String(parts[0]), String(parts[1])))
      case .array(let pair) where pair.count == 2:
        guard let a = pair[0].stringValue, let b = pair[1].stringValue else { fallthrough }
        merges.append((a, b))
      default: throw bad("merge \(rank) \(compact(entry)) is not a pair of tokens")
      }
    }
    let pre = try Self.preTokenizer(json["pre_tokenizer"], bad, compact)
    let nfc: Bool
    switch json["normalizer"] {
    case nil, .null?: nfc = false
    case let n? where n["type"]?.stringValue == "NFC": nfc = true
    case let n?: throw bad("the normalizer \(compact(n)) is not supported (only NFC or none)")
    }
    switch json["decoder"] {
    case nil, .null?: break
    case let d? where d["type"]?.stringValue == "ByteLevel": break
    case let d?: throw bad("the decoder \(compact(d)) is not supported (only ByteLevel)")
    }
    // BOS: the special token the post-processor puts first, or tokenizer_config's bos_token.
    let ids = Dictionary(tokens.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
    let template = Self.templateProcessing(json["post_processor"])
    let leading = template?["single"].flatMap {
      if case .array(let a) = $0 { a.first } else { nil }
    }
    let leadingBOS = leading?["SpecialToken"]?["id"]?.stringValue.flatMap { ids[$0] }
    func configToken(_ key: String) -> Int? {
      guard let v = config?[key] else { return nil }
      return (v.stringValue ?? v["content"]?.stringValue).flatMap { ids[$0] }
    }
    let eos =
      configToken("eos_token")
      ?? ["<|im_end|>", "<|eot_id|>", "<|endoftext|>", "<|end_of_text|>", "</s>"].lazy
      .compactMap { ids[$0] }.first
    guard let eos else {
      throw bad("no EOS token: tokenizer_config.json names none and no usual one is present")
    }
    try self.init(
      tokens: tokens, merges: merges, added: added.map(\.0), preTokenizer: pre,
      ignoreMerges: model["ignore_merges"]?.boolValue ?? false, normalizesNFC: nfc,
      bosId: leadingBOS ?? configToken("bos_token"), eosId: eos, padId: configToken("pad_token"),
      addBOS: leadingBOS != nil || config?["add_bos_token"]?.boolValue == true,
      extraStopIds: extraStopIds, source: path)
  }

  private static func templateProcessing(_ p: JSONValue?) -> JSONValue? {
    guard let p else { return nil }
    if p["type"]?.stringValue == "TemplateProcessing" { return p }
    if case .array(let steps) = p["processors"] {
      return steps.first { $0["type"]?.stringValue == "TemplateProcessing" }
    }
    return nil
  }

  private static func preTokenizer(
    _ p: JSONValue?, _ bad: (String) -> CheckpointError, _ compact: (JSONValue?) -> String
  ) throws(CheckpointError) -> BPEPreTokenizer {
    let unsupported = bad(
      "the pre_tokenizer \(compact(p)) is not one of the byte-level ones the engine knows "
        + "(gpt2, llama-bpe, qwen2, smollm)")
    func byteLevel(_ v: JSONValue, regex: Bool) -> Bool {
      v["type"]?.stringValue == "ByteLevel" && (v["use_regex"]?.boolValue ?? true) == regex
        && v["add_prefix_space"]?.boolValue != true
    }
    guard let p else { throw unsupported }
    if byteLevel(p, regex: true) { return .gpt2 }
    guard p["type"]?.stringValue == "Sequence", case .array(let steps)? = p["pretokenizers"],
      steps.count == 2
    else { throw unsupported }
    if steps[0]["type"]?.stringValue == "Digits", steps[0]["individual_digits"]?.boolValue == true,
      byteLevel(steps[1], regex: true)
    {
      return .smollm
    }
    let split = steps[0]
    guard split["type"]?.stringValue == "Split", split["behavior"]?.stringValue == "Isolated",
      split["invert"]?.boolValue != true, byteLevel(steps[1], regex: false),
      let pattern = split["pattern"]?["Regex"]?.stringValue
    else { throw unsupported }
    switch pattern {
    case BPEPreTokenizer.llama3Pattern: return .llama3
    case BPEPreTokenizer.qwen2Pattern: return .qwen2
    case BPEPreTokenizer.gpt2Pattern: return .gpt2
    default: throw unsupported
    }
  }
}
