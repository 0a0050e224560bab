import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// Save → load is exact, for untied and tied models, the tokenizer and the optimizer state; writes
// leave no temporary files behind.

@Suite struct HFRoundTripTests {
  @Test(arguments: [false, true])
  func saveThenLoadIsExact(tied: Bool) throws {
    let s = Scratch()
    var config = ModelConfig.micro
    config.tieWordEmbeddings = tied
    config.eosTokenId = CharTokenizer().eosId
    let folder = try s.savedModel(config: config, seed: 11)
    let (loaded, parameters, tokenizer) = try ModelFolder.loadParameters(folder)
    #expect(loaded == config)
    #expect(tokenizer == CharTokenizer())
    let expected = seededParameters(config, seed: 11)
    #expect(parameters.count == expected.count)
    expectIdenticalFloats("loaded parameters", parameters.array, expected.array)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(
      files == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"])
  }

  @Test func savingOverAFolderReplacesItsFiles() throws {
    let s = Scratch()
    _ = try s.savedModel(seed: 1)
    let folder = try s.savedModel(seed: 2)
    let (_, parameters, _) = try ModelFolder.loadParameters(folder)
    expectIdenticalFloats(
      "loaded parameters", parameters.array, seededParameters(.micro, seed: 2).array)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
      .filter { $0.contains(".tmp-") }
    #expect(leftovers.isEmpty)
  }

  @Test func aFailedWriteLeavesTheOldFolderIntact() throws {
    let s = Scratch()
    let folder = try s.savedModel(seed: 1)
    // Occupy the temp name the weights writer will use, so that write fails midway through save.
    let pid = ProcessInfo.processInfo.processIdentifier
    let blocker = folder.appendingPathComponent("model.safetensors.tmp-\(pid)")
    try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: false)
    let message = failure { () throws(CheckpointError) in
      try ModelFolder.save(
        config: .micro, parameters: seededParameters(.micro, seed: 2),
        tokenizer: CharTokenizer(), to: folder)
    }
    #expect(message == "\(blocker.path): could not create it (Is a directory).")
    try FileManager.default.removeItem(at: blocker)
    let (_, parameters, _) = try ModelFolder.loadParameters(folder)
    expectIdenticalFloats(
      "loaded parameters", parameters.array, seededParameters(.micro, seed: 1).array)
  }

  @Test func configKeysMatchTransformers() throws {
    let config = ModelConfig(
      vocabSize: 32, hiddenSize: 64, intermediateSize: 96, numLayers: 2, numHeads: 4,
      numKVHeads: 2, headDim: 16, rmsNormEps: 1e-5, ropeTheta: 500_000, maxPositions: 64,
      tieWordEmbeddings: true, bosTokenId: nil, eosTokenId: 21)
    let json = config.hfConfig
    #expect(json["architectures"] == .array([.string("LlamaForCausalLM")]))
    #expect(json["model_type"] == .string("llama"))
    #expect(json["torch_dtype"] == .string("float32"))
    #expect(json["rms_norm_eps"]?.serialized() == "1e-05")
    #expect(json["rope_theta"] == .double(500_000))
    #expect(json["rope_parameters"]?["rope_theta"] == .double(500_000))
    let text = Array(json.serialized().utf8)
    #expect(try ModelConfig(hfConfig: text, path: "config.json") == config)
  }

  @Test func readsRopeParametersAndDefaults() throws {
    // transformers 5 writes only rope_parameters; head_dim and num_key_value_heads may be absent.
    let text = """
      {"vocab_size": 22, "hidden_size": 8, "intermediate_size": 12, "num_hidden_layers": 1,
       "num_attention_heads": 2, "rope_parameters": {"rope_type": "default", "rope_theta": 1000.0},
       "eos_token_id": [21, 3]}
      """
    let config = try ModelConfig(hfConfig: Array(text.utf8), path: "config.json")
    #expect(config.ropeTheta == 1000)
    #expect(config.headDim == 4)
    #expect(config.numKVHeads == 2)
    #expect(config.rmsNormEps == 1e-6)
    #expect(config.eosTokenId == 21)
    #expect(!config.tieWordEmbeddings)
  }

  @Test func tokenizerRoundTrips() throws {
    let tokenizer = CharTokenizer()
    let text = Array(tokenizer.hfTokenizer.serialized().utf8)
    #expect(try CharTokenizer(hfTokenizer: text, path: "tokenizer.json") == tokenizer)
    // Characters JSON must escape still round-trip.
    let odd = CharTokenizer(characters: ["\"", "\\", "\n", "é", "😀"])
    let oddText = Array(odd.hfTokenizer.serialized().utf8)
    #expect(try CharTokenizer(hfTokenizer: oddText, path: "tokenizer.json") == odd)
  }

  @Test func optimizerStateRoundTrips() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    let count = ParameterLayout(.micro).count
    #expect(try ModelFolder.loadOptimizer(folder, parameterCount: count) == nil)
    let m = seededParameters(.micro, seed: 3)
    let v = seededParameters(.micro, seed: 4)
    let training = ["seed": "1234", "supervised.step": "500"]
    try ModelFolder.saveOptimizer(
      OptimizerState(step: 17, m: m, v: v, training: training), to: folder)
    let state = try #require(try ModelFolder.loadOptimizer(folder, parameterCount: count))
    #expect(state.step == 17)
    #expect(state.training == training)
    expectIdenticalFloats("optimizer m", state.m.array, m.array)
    expectIdenticalFloats("optimizer v", state.v.array, v.array)
  }
}

/// The folder the engine saved, loaded by transformers (scripts/golden/make_fixtures.py recorded
/// its logits and tokenizers' ids): the engine reads it back to the same logits, and saving it
/// again reproduces every committed file byte for byte (so the fixture is what the writer makes).
@Suite struct EngineSavedFolderTests {
  @Test func transformersLogitsEqualTheEngines() throws {
    let (model, tokenizer) = try ModelFolder.load(try goldenURL("engine_saved/model"))
    let hf = try SafetensorsFile(path: try goldenURL("engine_saved/hf_logits.safetensors").path)
    let input = try GoldenBatch(hf)
    // tokenizers encoded the texts to exactly the engine's ids.
    guard case .array(let texts) = try JSONValue.parse(try #require(hf.metadata["texts"])) else {
      Issue.record("hf_logits.safetensors has no texts array in its metadata")
      return
    }
    #expect(texts.count == input.batch)
    for (b, text) in texts.compactMap(\.stringValue).enumerated() {
      let ids = try tokenizer.encode(text).map { Int32($0) }
      #expect(ids == Array(input.tokens[b * input.length..<b * input.length + input.lengths[b]]))
    }
    let graph = TrainingGraph(model: model, maxBatch: input.batch, maxLength: input.length)
    graph.forward(
      tokens: input.tokens, targets: input.targets, lengths: input.lengths, batch: input.batch,
      length: input.length)
    let v = model.config.vocabSize
    expectClose(
      "engine_saved logits", input.validRows(graph.logits, width: v),
      input.validRows(try #require(hf.floats(named: "logits")), width: v), tolerance: 1e-5)
  }

  @Test func savingAgainReproducesTheCommittedFiles() throws {
    let s = Scratch()
    let source = try goldenURL("engine_saved/model")
    let (model, tokenizer) = try ModelFolder.load(source)
    expectIdenticalFloats(
      "loaded parameters", model.parameters.array,
      seededParameters(.engineSaved, seed: 2026).array)
    try ModelFolder.save(model, tokenizer: tokenizer, to: s.url)
    for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"] {
      let committed = try Data(contentsOf: source.appendingPathComponent(file))
      let written = try Data(contentsOf: s.url.appendingPathComponent(file))
      #expect(
        committed == written,
        "\(file) differs from what the engine writes now: regenerate the fixture (see below)")
    }
  }
}

/// Regenerates `Fixtures/golden/engine_saved/model`, the engine-written folder that
/// scripts/golden/make_fixtures.py loads in transformers:
///   TREEPO_WRITE_ENGINE_FIXTURE=1 swift test --filter writeEngineSavedFixture
@Test(.enabled(if: ProcessInfo.processInfo.environment["TREEPO_WRITE_ENGINE_FIXTURE"] == "1"))
func writeEngineSavedFixture() throws {
  let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/golden/engine_saved/model")
  try ModelFolder.save(
    config: .engineSaved, parameters: seededParameters(.engineSaved, seed: 2026),
    tokenizer: CharTokenizer(), to: folder)
}

extension ModelConfig {
  /// The engine-saved fixture: the task vocabulary, head_dim · heads ≠ hidden, untied.
  static let engineSaved = ModelConfig(
    vocabSize: 22, hiddenSize: 32, intermediateSize: 48, numLayers: 2, numHeads: 4, numKVHeads: 2,
    headDim: 16, rmsNormEps: 1e-5, ropeTheta: 10000, maxPositions: 64, eosTokenId: 21)
}
