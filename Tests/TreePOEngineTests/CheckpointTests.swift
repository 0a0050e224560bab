import Foundation
import Testing
import TreePOEngine

// Bad input: every damaged-folder case answers with one sentence naming the file and the problem.
// Each test builds a valid folder in a temp dir, damages one thing, and checks the exact sentence.

/// A scratch folder under the temp dir, removed when the test ends.
struct Scratch: ~Copyable {
  let url: URL
  init() {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("treepo-ckpt-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ file: String) -> String { url.appendingPathComponent(file).path }

  /// Saves a micro model (seeded weights) into `name` and returns the folder.
  func savedModel(
    _ name: String = "model", config: ModelConfig = .micro, seed: UInt64 = 7
  ) throws -> URL {
    let folder = url.appendingPathComponent(name)
    try ModelFolder.save(
      config: config, parameters: seededParameters(config, seed: seed), tokenizer: CharTokenizer(),
      to: folder)
    return folder
  }

  func write(_ text: String, to file: String) throws {
    try Data(text.utf8).write(to: url.appendingPathComponent(file))
  }

  func write(_ bytes: [UInt8], to file: String) throws {
    try Data(bytes).write(to: url.appendingPathComponent(file))
  }
}

extension ModelConfig {
  /// 22 tokens (the task vocabulary), 2 layers, grouped-query attention: small enough for any test.
  static let micro = ModelConfig(
    vocabSize: 22, hiddenSize: 8, intermediateSize: 12, numLayers: 2, numHeads: 2, numKVHeads: 1,
    maxPositions: 16)
}

/// Weights N(0, 0.1²), norm gains 1 + N(0, 0.1²): distinct values everywhere, so a swapped or
/// misplaced tensor shows.
func seededParameters(_ config: ModelConfig, seed: UInt64) -> FloatBuffer {
  let layout = ParameterLayout(config)
  let buffer = FloatBuffer(count: layout.count)
  var rng = SeededRandom(seed: seed)
  for spec in layout.tensors {
    let base: Float = spec.shape.count == 1 ? 1 : 0
    for i in 0..<spec.count { buffer[spec.offset + i] = base + 0.1 * rng.nextNormal() }
  }
  return buffer
}

/// A safetensors file from a literal header and `dataSize` zero bytes of data.
func safetensorsBytes(header: String, dataSize: Int) -> [UInt8] {
  let h = Array(header.utf8)
  var out: [UInt8] = (0..<8).map { UInt8(truncatingIfNeeded: UInt64(h.count) >> (8 * UInt64($0))) }
  out += h
  out += [UInt8](repeating: 0, count: dataSize)
  return out
}

/// The error `body` throws, as the sentence a user would see.
func failure(_ body: () throws(CheckpointError) -> Void) -> String {
  do {
    try body()
    return "no error"
  } catch {
    return error.description
  }
}

func loadFailure(_ url: URL) -> String {
  failure { () throws(CheckpointError) in _ = try ModelFolder.loadParameters(url) }
}

@Suite struct CheckpointFolderErrorTests {
  @Test func missingFolder() {
    let s = Scratch()
    let url = s.url.appendingPathComponent("nope")
    #expect(loadFailure(url) == "\(url.path): no such model folder.")
  }

  @Test func folderIsAFile() throws {
    let s = Scratch()
    try s.write("x", to: "file")
    #expect(
      loadFailure(s.url.appendingPathComponent("file"))
        == "\(s.path("file")): is a file, but a model is a folder (config.json, model.safetensors, "
        + "tokenizer.json).")
  }

  @Test(arguments: ["config.json", "model.safetensors", "tokenizer.json"])
  func missingFile(_ name: String) throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try FileManager.default.removeItem(at: folder.appendingPathComponent(name))
    #expect(loadFailure(folder) == "\(s.path("model/\(name)")): missing from the model folder.")
  }

  @Test func unreadableConfigJSON() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try s.write("{\n  \"vocab_size\": 22,\n  \"hidden_size\": 8,,\n}", to: "model/config.json")
    #expect(
      loadFailure(folder)
        == "\(s.path("model/config.json")): not valid JSON at line 3, column 20 "
        + "(expected a string key)."
    )
  }

  @Test func configKeyMissing() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try editConfig(s) { $0.removeAll { $0.0 == "num_hidden_layers" } }
    #expect(
      loadFailure(folder)
        == "\(s.path("model/config.json")): the required key \"num_hidden_layers\" is missing.")
  }

  @Test func configKeyWrongType() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try editConfig(s) { members in
      members = members.map { $0.0 == "hidden_size" ? ($0.0, .string("8")) : $0 }
    }
    #expect(
      loadFailure(folder)
        == "\(s.path("model/config.json")): \"hidden_size\" should be an integer but is a string.")
  }

  @Test func configSizeAbsurd() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try editConfig(s) { members in
      members = members.map { $0.0 == "vocab_size" ? ($0.0, .int(1 << 40)) : $0 }
    }
    #expect(
      loadFailure(folder)
        == "\(s.path("model/config.json")): \"vocab_size\" is \(1 << 40), beyond any model "
        + "this engine runs.")
  }

  @Test func configUnsupportedValue() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try editConfig(s) { members in
      members = members.map { $0.0 == "attention_bias" ? ($0.0, .bool(true)) : $0 }
    }
    #expect(
      loadFailure(folder)
        == "\(s.path("model/config.json")): \"attention_bias\" is true, which in Llama also "
        + "biases o_proj, but the engine has q/k/v biases only (as Qwen2 uses them)."
    )
  }

  @Test func tokenizerNotCharacterLevel() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    let text = try String(
      contentsOf: folder.appendingPathComponent("tokenizer.json"), encoding: .utf8)
    try s.write(
      text.replacingOccurrences(of: "\"(\": 17", with: "\"((\": 17"), to: "model/tokenizer.json")
    #expect(
      loadFailure(folder)
        == "\(s.path("model/tokenizer.json")): token \"((\" (id 17) is not a single character, "
        + "but only character-level vocabularies are supported.")
  }

  @Test func optimizerStateOfAnotherModel() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    let state = OptimizerState(step: 3, m: FloatBuffer(count: 10), v: FloatBuffer(count: 10))
    try ModelFolder.saveOptimizer(state, to: folder)
    let count = ParameterLayout(.micro).count
    let message = failure { () throws(CheckpointError) in
      _ = try ModelFolder.loadOptimizer(folder, parameterCount: count)
    }
    #expect(
      message
        == "\(s.path("model/optimizer.safetensors")): the optimizer state holds 10 values "
        + "per moment but the model has \(count) parameters, so it belongs to another model.")
  }

  /// Rewrites `model/config.json` through `edit` on its top-level members.
  private func editConfig(_ s: borrowing Scratch, _ edit: (inout [(String, JSONValue)]) -> Void)
    throws
  {
    guard case .object(var members) = ModelConfig.micro.hfConfig else { return }
    edit(&members)
    try s.write(JSONValue.object(members).serialized(), to: "model/config.json")
  }
}
