// BPETokenizer from GGUF metadata, given as plain values by the GGUF reader:
// tokenizer.ggml.model / .pre / .tokens / .merges / .token_type / .bos_token_id /
// .eos_token_id / .padding_token_id / .add_bos_token.

extension BPETokenizer {
  /// llama.cpp's token types: control (3) and user-defined (4) tokens are matched verbatim.
  public static let ggufControlType = 3
  public static let ggufUserDefinedType = 4

  /// - Parameters:
  ///   - model: `tokenizer.ggml.model`; only "gpt2" (byte-level BPE) is supported.
  ///   - pre: `tokenizer.ggml.pre` (gpt2, llama-bpe, qwen2, smollm).
  ///   - merges: "left right" strings in rank order.
  ///   - addBOS: `tokenizer.ggml.add_bos_token`; when absent, Llama 3 adds BOS and the others not.
  public init(
    ggufModel model: String, pre: String?, tokens: [String], merges: [String], tokenTypes: [Int]?,
    bosId: Int?, eosId: Int?, padId: Int?, addBOS: Bool?, extraStopIds: [Int] = [],
    source: String
  ) throws(CheckpointError) {
    func bad(_ reason: String) -> CheckpointError { .badTokenizer(path: source, reason: reason) }
    guard model == "gpt2" else {
      throw bad(
        "tokenizer.ggml.model is \"\(model)\", but only byte-level BPE (\"gpt2\") is supported")
    }
    guard let pre else {
      throw bad("tokenizer.ggml.pre is missing, so the pre-tokenizer is unknown")
    }
    guard let kind = BPEPreTokenizer(name: pre) else {
      throw bad(
        "tokenizer.ggml.pre is \"\(pre)\", which the engine does not know "
          + "(known: gpt2, llama-bpe, qwen2, smollm)")
    }
    if let tokenTypes, tokenTypes.count != tokens.count {
      throw bad(
        "tokenizer.ggml.token_type has \(tokenTypes.count) entries for \(tokens.count) tokens")
    }
    guard let eosId else { throw bad("tokenizer.ggml.eos_token_id is missing") }
    var pairs: [(String, String)] = []
    pairs.reserveCapacity(merges.count)
    for (rank, merge) in merges.enumerated() {
      let parts = merge.split(separator: " ", omittingEmptySubsequences: false)
      guard parts.count == 2 else {
        throw bad("tokenizer.ggml.merges[\(rank)] \"\(merge)\" is not two tokens")
      }
      pairs.append((String(parts[0]), String(parts[1])))
    }
    let added = (tokenTypes ?? []).indices.filter {
      tokenTypes![$0] == Self.ggufControlType || tokenTypes![$0] == Self.ggufUserDefinedType
    }
    try self.init(
      tokens: tokens, merges: pairs, added: added, preTokenizer: kind,
      normalizesNFC: kind == .qwen2, bosId: bosId, eosId: eosId, padId: padId,
      addBOS: addBOS ?? (kind == .llama3), extraStopIds: extraStopIds, source: source)
  }

  /// The tokenizer of a GGUF file, from the metadata its reader collected; an end-of-turn id
  /// (`tokenizer.ggml.eot_token_id`) also stops a completion.
  public init(gguf m: GGUFTokenizerMetadata, source: String) throws(CheckpointError) {
    try self.init(
      ggufModel: m.model, pre: m.pre, tokens: m.tokens, merges: m.merges,
      tokenTypes: m.tokenTypes.isEmpty ? nil : m.tokenTypes, bosId: m.bosId, eosId: m.eosId,
      padId: m.paddingId, addBOS: m.addBosToken, extraStopIds: m.eotId.map { [$0] } ?? [],
      source: source)
  }
}
