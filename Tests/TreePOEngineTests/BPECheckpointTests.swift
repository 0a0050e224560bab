import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// A model with a byte-level BPE tokenizer saves as an HF folder (config.json, model.safetensors,
// tokenizer.json, tokenizer_config.json, chat_template.jinja) that loads back with the same
// weights, logits, tokenization, stop ids and chat template; and a tokenizer written out as
// tokenizer.json encodes exactly as the one it was written from (SmolLM2's, built from GGUF
// metadata, on the tokenizer golden strings: this pins the merges' rank order).

@Test func bpeModelFolderRoundTripsWeightsLogitsAndTokenizer() throws {
  let tokenizer = try TokenizerFixtures.hf("qwen2-style.json")
  let config = ModelConfig(
    vocabSize: tokenizer.vocabSize, hiddenSize: 16, intermediateSize: 24, numLayers: 2,
    numHeads: 2, numKVHeads: 1, maxPositions: 32, tieWordEmbeddings: true,
    eosTokenId: tokenizer.eosId, attentionBias: true)
  let model = Model(config: config)
  model.initializeWeights(seed: 9, std: 0.1)
  let template =
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    + "{{ message['content'] }}<|im_end|>\n{% endfor %}"
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
    "treepo-bpe-save-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  defer { try? FileManager.default.removeItem(at: folder) }
  try ModelFolder.save(model, tokenizer: tokenizer, chatTemplate: template, to: folder)
  let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
    .filter { $0.contains(".tmp-") }
  #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")

  let loaded = try ModelFolder.loadAny(folder)
  #expect(loaded.model.config == config)
  #expect(loaded.chatTemplate == template)
  expectIdenticalFloats("parameters", loaded.model.parameters.array, model.parameters.array)
  let back = try #require(loaded.tokenizer as? BPETokenizer)
  #expect(back.stopIds == tokenizer.stopIds && back.eosId == tokenizer.eosId)
  for text in ["<|im_start|>user\nWhat is 12 + 7?<|im_end|>", "  spaces\tand\nlines", "héllo 😀"] {
    #expect(try back.encode(text) == tokenizer.encode(text), "\(visible(text))")
  }

  let ids = try tokenizer.encode("<|im_start|>user\nWhat is 3 times 4?<|im_end|>").map { Int32($0) }
  func logits(_ m: Model) -> [Float] {
    let graph = TrainingGraph(model: m, maxBatch: 1, maxLength: ids.count)
    graph.forward(tokens: ids, targets: ids, lengths: [ids.count], batch: 1, length: ids.count)
    return Array(UnsafeBufferPointer(start: graph.logits, count: ids.count * config.vocabSize))
  }
  expectIdenticalFloats("logits after reload", logits(loaded.model), logits(model))
}

@Test func smolLM2TokenizerWrittenAsTokenizerJSONEncodesTheSame() throws {
  let original = try TokenizerFixtures.smollm2()
  let bytes = Array(original.hfTokenizer.serialized(indent: nil).utf8)
  let config = try JSONValue.parse(
    Array(
      original.hfTokenizerConfig(chatTemplate: nil)
        .serialized().utf8))
  let rebuilt = try BPETokenizer(
    hfTokenizer: bytes, path: "written tokenizer.json", config: config)
  #expect(rebuilt.vocabSize == original.vocabSize && rebuilt.eosId == original.eosId)
  #expect(rebuilt.bosId == original.bosId && rebuilt.addBOS == original.addBOS)
  let expected = try #require(TokenizerFixtures.expected, "expected.json did not load")
  let strings = TokenizerFixtures.strings(expected["strings"])
  #expect(strings.count > 1000)
  var mismatches: [String] = []
  for text in strings where try rebuilt.encode(text) != original.encode(text) {
    mismatches.append(visible(text))
  }
  #expect(mismatches.isEmpty, "\(mismatches.count) strings differ, first: \(mismatches.prefix(3))")
}
