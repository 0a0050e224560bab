import Foundation
import Testing
import TreePOEngine

// Byte-level BPE against Hugging Face `tokenizers` (fixtures from
// scripts/golden/make_tokenizer_fixtures.py): SmolLM2's tokenizer built from its GGUF metadata,
// and small Qwen2-style and Llama-3-style tokenizer.json files trained with `tokenizers`, on the
// same ~2,300 strings (ASCII, numbers, whitespace runs, code, accents, CJK, emoji, chat markup,
// look-alikes of invalid bytes). Each tokenizer fails on its own, naming the first strings.

enum TokenizerFixtures {
  static func url(_ name: String) throws -> URL {
    let root = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
    return root.appendingPathComponent("Fixtures/tokenizer").appendingPathComponent(name)
  }

  static func json(_ name: String) throws -> JSONValue {
    try JSONValue.parse(Array(Data(contentsOf: url(name))))
  }

  static func strings(_ v: JSONValue?) -> [String] {
    guard case .array(let items)? = v else { return [] }
    return items.compactMap(\.stringValue)
  }

  static func smollm2() throws -> BPETokenizer {
    let m = try json("smollm2-gguf.json")
    guard case .array(let types)? = m["token_type"] else { throw TokenizerError.invalid("types") }
    return try BPETokenizer(
      ggufModel: m["model"]?.stringValue ?? "", pre: m["pre"]?.stringValue,
      tokens: strings(m["tokens"]), merges: strings(m["merges"]),
      tokenTypes: types.compactMap(\.intValue), bosId: m["bos_token_id"]?.intValue,
      eosId: m["eos_token_id"]?.intValue, padId: m["padding_token_id"]?.intValue,
      addBOS: m["add_bos_token"]?.boolValue, source: "smollm2-gguf.json")
  }

  static func hf(_ name: String) throws -> BPETokenizer {
    try BPETokenizer(hfTokenizer: Array(Data(contentsOf: url(name))), path: name)
  }

  static let expected: JSONValue? = try? json("expected.json")

  static var installedSmolLM2: String? {
    ModelCatalog.named("smollm2-135m").flatMap {
      ModelCatalog.installedPath(of: $0, environment: ProcessInfo.processInfo.environment)
    }
  }
}

/// Escapes a test string so a failure message shows its exact characters.
func visible(_ s: String) -> String {
  s.unicodeScalars.map {
    $0.isASCII && $0.value >= 0x20 ? String($0) : "\\u{\(String($0.value, radix: 16))}"
  }
  .joined()
}

@Suite struct TokenizerBPETests {
  func checkAgainstHF(_ name: String, _ tokenizer: BPETokenizer) throws {
    let expected = try #require(TokenizerFixtures.expected, "expected.json did not load")
    let strings = TokenizerFixtures.strings(expected["strings"])
    let ids = TokenizerFixtures.strings(expected[name])
    let decoded = expected[name + "_decoded"]
    #expect(strings.count >= 2000 && ids.count == strings.count)
    let pieces = TokenizerFixtures.strings(expected[name + "_pieces"])
    var failures: [String] = []
    var roundTripFailures: [String] = []
    var pieceFailures: [String] = []
    for (i, s) in strings.enumerated() {
      let wantPieces = pieces[i].split(separator: " ").compactMap { Int($0) }
      let gotPieces = tokenizer.pieceLengths(s)
      if gotPieces != wantPieces {
        pieceFailures.append("\"\(visible(s))\": pieces of \(gotPieces) bytes, not \(wantPieces)")
      }
      let want = ids[i].split(separator: " ").compactMap { Int($0) }
      let got = try tokenizer.encode(s)
      if got != want {
        failures.append("\"\(visible(s))\": \(got) but tokenizers gives \(want)")
      }
      let back = tokenizer.decode(got)
      let wantBack = decoded?[String(i)]?.stringValue ?? s
      if back != wantBack {
        roundTripFailures.append("\"\(visible(s))\" decodes to \"\(visible(back))\"")
      }
    }
    #expect(
      failures.isEmpty,
      "\(name): \(failures.count) of \(strings.count) strings differ, first: \(failures.prefix(5).joined(separator: "; "))"
    )
    #expect(
      pieceFailures.isEmpty,
      "\(name): \(pieceFailures.count) pre-tokenizations differ, first: \(pieceFailures.prefix(5).joined(separator: "; "))"
    )
    #expect(
      roundTripFailures.isEmpty,
      "\(name): \(roundTripFailures.count) round trips differ, first: \(roundTripFailures.prefix(5).joined(separator: "; "))"
    )
  }

  @Test func smollm2FromGGUFMetadataMatchesTokenizers() throws {
    let t = try TokenizerFixtures.smollm2()
    #expect(t.preTokenizer == .smollm && t.vocabSize == 49152 && !t.addBOS)
    #expect(t.eosId == 2 && t.bosId == 1 && t.padId == 2)
    #expect(t.stopIds == [2, 0], "EOS <|im_end|> and <|endoftext|> end a completion")
    try checkAgainstHF("smollm2", t)
  }

  /// Every piece through the heap merge that long pieces use, and one piece of 200,000 letters.
  @Test func longPieceMergeMatchesTokenizers() throws {
    var t = try TokenizerFixtures.smollm2()
    t.longPieceBytes = 2
    try checkAgainstHF("smollm2", t)
    let long = String(repeating: "tokenizer", count: 22_222)
    let start = ContinuousClock.now
    let ids = try t.encode(long)
    #expect(t.decode(ids) == long)
    #expect(ContinuousClock.now - start < .seconds(5), "a long piece is not quadratic")
  }

  @Test func qwen2StyleTokenizerJSONMatchesTokenizers() throws {
    let t = try TokenizerFixtures.hf("qwen2-style.json")
    #expect(t.preTokenizer == .qwen2 && t.normalizesNFC && !t.ignoreMerges && !t.addBOS)
    #expect(t.eosId == t.id(ofToken: "<|im_end|>"))
    try checkAgainstHF("qwen2", t)
  }

  @Test func llama3StyleTokenizerJSONMatchesTokenizers() throws {
    let t = try TokenizerFixtures.hf("llama3-style.json")
    #expect(t.preTokenizer == .llama3 && t.ignoreMerges && t.addBOS && !t.normalizesNFC)
    #expect(t.bosId == t.id(ofToken: "<|begin_of_text|>"))
    try checkAgainstHF("llama3", t)
    let expected = try #require(TokenizerFixtures.expected)
    let strings = TokenizerFixtures.strings(expected["strings"])
    for (i, want) in TokenizerFixtures.strings(expected["llama3_with_bos"]).enumerated() {
      #expect(
        try t.encode(strings[i], addingBOS: true)
          == want.split(separator: " ").compactMap { Int($0) },
        "with BOS: \"\(visible(strings[i]))\"")
    }
  }

  /// The real file, when `treepo models get smollm2-135m` has installed it: the GGUF reader's
  /// metadata gives the same tokenizer as the committed extract.
  @Test(.enabled(if: TokenizerFixtures.installedSmolLM2 != nil))
  func smollm2FromTheInstalledGGUF() throws {
    let path = try #require(TokenizerFixtures.installedSmolLM2)
    let file = try GGUFFile(path: path)
    let t = try BPETokenizer(gguf: GGUFTokenizerMetadata(file), source: path)
    let reference = try TokenizerFixtures.smollm2()
    #expect(t.tokens == reference.tokens && t.stopIds == reference.stopIds)
    let expected = try #require(TokenizerFixtures.expected)
    for s in TokenizerFixtures.strings(expected["strings"]).prefix(300) {
      #expect(try t.encode(s) == reference.encode(s), "\"\(visible(s))\"")
    }
  }

  @Test func streamingDecodeHoldsSplitCharactersBack() throws {
    let t = try TokenizerFixtures.hf("qwen2-style.json")
    // The small vocabulary spells emoji and CJK as several byte tokens each.
    for text in ["👨‍👩‍👧 ok", "日本語のテキスト", "é\u{301}a👍🏽", "plain ascii"] {
      let ids = try t.encode(text)
      var stream = StreamingDecoder(t)
      var pieces: [String] = []
      for id in ids { pieces.append(stream.push(id)) }
      pieces.append(stream.finish())
      #expect(pieces.joined() == t.decode(ids), "\"\(visible(text))\" streamed \(pieces)")
      #expect(
        !pieces.contains { $0.contains("\u{FFFD}") }, "\"\(visible(text))\" streamed \(pieces)")
    }
    let partial = try #require(try t.encode("𝄞").first, "U+1D11E is four byte tokens")
    #expect(t.tokenText(partial).hasPrefix("\\xF0"), "a lone lead byte shows escaped")
    var stream = StreamingDecoder(t)
    #expect(stream.push(partial) == "")
    #expect(stream.finish() == "\u{FFFD}", "an unfinished character at the end is one U+FFFD")
  }

  @Test func unsupportedTokenizersSaySoInOneSentence() throws {
    func failure(_ body: () throws -> BPETokenizer) -> String {
      do {
        _ = try body()
        return "no error"
      } catch { return "\(error)" }
    }
    #expect(
      failure {
        try BPETokenizer(
          ggufModel: "gpt2", pre: "deepseek-coder", tokens: ["a"], merges: [], tokenTypes: nil,
          bosId: nil, eosId: 0, padId: nil, addBOS: nil, source: "m.gguf")
      }
        == "m.gguf: tokenizer.ggml.pre is \"deepseek-coder\", which the engine does not know "
        + "(known: gpt2, llama-bpe, qwen2, smollm).")
    #expect(
      failure {
        try BPETokenizer(
          ggufModel: "llama", pre: nil, tokens: ["a"], merges: [], tokenTypes: nil,
          bosId: nil, eosId: 0, padId: nil, addBOS: nil, source: "m.gguf")
      }
        == "m.gguf: tokenizer.ggml.model is \"llama\", but only byte-level BPE (\"gpt2\") is "
        + "supported.")
    let wordLevel = #"{"model":{"type":"WordLevel","vocab":{"a":0}}}"#
    #expect(
      failure { try BPETokenizer(hfTokenizer: Array(wordLevel.utf8), path: "tokenizer.json") }
        == "tokenizer.json: model.type is \"WordLevel\", but only byte-level BPE is supported.")
    let metaspace = """
      {"model":{"type":"BPE","vocab":{"a":0},"merges":[]},"added_tokens":[],
      "pre_tokenizer":{"type":"Metaspace","replacement":"▁"}}
      """
    #expect(
      failure { try BPETokenizer(hfTokenizer: Array(metaspace.utf8), path: "tokenizer.json") }
        == "tokenizer.json: the pre_tokenizer {\"type\":\"Metaspace\",\"replacement\":\"▁\"} is "
        + "not one of the byte-level ones the engine knows (gpt2, llama-bpe, qwen2, smollm).")
    #expect(
      failure {
        try BPETokenizer(
          ggufModel: "gpt2", pre: "gpt2", tokens: ["a", "b"], merges: ["a c"], tokenTypes: nil,
          bosId: nil, eosId: 0, padId: nil, addBOS: nil, source: "m.gguf")
      } == "m.gguf: merge 0 (\"a c\") names a token that is not in the vocabulary.")
    let tiny = try BPETokenizer(
      ggufModel: "gpt2", pre: "gpt2", tokens: ["a", "b"], merges: [], tokenTypes: nil,
      bosId: nil, eosId: 0, padId: nil, addBOS: nil, source: "m.gguf")
    #expect(throws: TokenizerError.invalid("the byte 0x63 has no token in this vocabulary")) {
      try tiny.encode("abc")
    }
  }
}
