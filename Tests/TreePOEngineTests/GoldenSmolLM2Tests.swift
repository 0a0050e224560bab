import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// The real model against transformers on the same GGUF (SmolLM2-135M-Instruct Q4_1, fixtures
// from scripts/golden/make_smollm2_fixtures.py): three chat prompts tokenize to the same ids,
// the last position's logits match (top 64 and checksums of the full row, relative 1e-4), a
// 32-token greedy continuation matches token for token, and the greedy answer to
// "What is 7 + 5?" is transformers' text (the "Done when").
// The model comes from the cache `treepo models get smollm2-135m` fills. Without it the tests
// are skipped with the reason printed, except under TREEPO_REQUIRE_REAL_MODEL=1 (`make test`),
// where they fail: CI must not pass without having run them.

enum RealModel {
  static let name = "smollm2-135m"
  static let environment = ProcessInfo.processInfo.environment
  static let required = environment["TREEPO_REQUIRE_REAL_MODEL"] == "1"
  static let path: String? = ModelCatalog.named(name).flatMap {
    ModelCatalog.installedPath(of: $0, environment: environment)
  }
  static var runs: Bool {
    if path == nil && !required {
      print(
        "GoldenSmolLM2Tests skipped: \(name) is not installed (run `treepo models get \(name)`)")
    }
    return path != nil || required
  }
  /// Loaded once for every test of the suite (about a second).
  static let loaded: Result<ResolvedModel, ModelResolutionError> = Result {
    () throws(ModelResolutionError) in try ModelResolver.resolve(name, environment: environment)
  }
}

@Suite(
  .enabled(if: RealModel.runs, "SmolLM2 is not installed: run `treepo models get smollm2-135m`"))
struct GoldenSmolLM2Tests {
  let fixture: SafetensorsFile
  let prompts: [String]

  init() throws {
    fixture = try SafetensorsFile(path: try goldenURL("smollm2/expected.safetensors").path)
    let json = try JSONValue.parse(try #require(fixture.metadata["prompts"]))
    guard case .array(let items) = json else { throw DecoderError("prompts is not a list") }
    prompts = items.compactMap(\.stringValue)
  }

  func resolved() throws -> ResolvedModel {
    _ = try #require(
      RealModel.path, "\(RealModel.name) is not installed but TREEPO_REQUIRE_REAL_MODEL=1")
    return try RealModel.loaded.get()
  }

  func ints(_ name: String) throws -> [Int] {
    try #require(fixture.floats(named: name), "no \(name) in the fixture").map { Int($0) }
  }

  /// The chat prompt as the engine formats and tokenizes it.
  func promptIds(_ m: ResolvedModel, _ text: String) throws -> [Int] {
    let template = try ChatTemplate(
      recognizing: try #require(m.chatTemplate, "no chat template"), source: m.path)
    return try m.tokenizer.encode(template.prompt(user: text))
  }

  @Test(arguments: 0..<3)
  func lastRowLogitsMatchTransformers(_ i: Int) throws {
    let m = try resolved()
    let ids = try ints("prompt\(i).input_ids")
    #expect(try promptIds(m, prompts[i]) == ids, "prompt \(i) tokenizes differently")
    let decoder = DecoderSession(
      model: m.model, cache: KVCache(config: m.model.config, pageSize: 16, capacity: 8),
      maxBatch: 1, maxRows: 128)
    let row = Array(try decoder.prefill(decoder.cache.newSequence(), tokens: ids)).map(Double.init)
    let topIds = try ints("prompt\(i).topk_ids")
    let topValues = try #require(fixture.floats(named: "prompt\(i).topk_values")).map(Double.init)
    let sums = try #require(fixture.floats(named: "prompt\(i).checksums")).map(Double.init)
    let maxAbs = sums[3]
    // Every value of the top 64 within 1e-4 of the row's largest magnitude, and the same argmax.
    expectCloseFloats(
      "prompt \(i) top-64 logits", topIds.map { row[$0] }, topValues, tolerance: 1e-4 * maxAbs)
    let argmax = row.indices.max { row[$0] < row[$1] }
    #expect(
      argmax == topIds[0], "prompt \(i): engine argmax \(argmax ?? -1), transformers \(topIds[0])")
    // The full row through its checksums, each within 1e-4 of its own scale.
    let signs = Self.projectionSigns(count: row.count)
    var checks = [Double](repeating: 0, count: 6)
    for (j, x) in row.enumerated() {
      checks[0] += x
      checks[1] += abs(x)
      checks[2] += x * x
      checks[3] = max(checks[3], abs(x))
      checks[4] += x * signs[0][j]
      checks[5] += x * signs[1][j]
    }
    checks[2] = checks[2].squareRoot()
    let scales = [sums[1], sums[1], sums[2], sums[3], sums[1], sums[1]]
    expectCloseFloats(
      "prompt \(i) row checksums (scaled)", zip(checks, scales).map { $0 / $1 },
      zip(sums, scales).map { $0 / $1 }, tolerance: 1e-4)
  }

  @Test(arguments: 0..<3)
  func greedyContinuationMatchesTokenForToken(_ i: Int) throws {
    let m = try resolved()
    let expected = try ints("prompt\(i).greedy_ids")
    let generator = TextGenerator(
      model: m.model, stopIds: [], sampling: .greedy, seed: 0, maxLength: 128)
    // transformers ran with min_new_tokens = 32, which masks EOS; so does the engine here.
    let tokens = try generator.run(
      prompt: try ints("prompt\(i).input_ids"), maxNewTokens: expected.count,
      suppress: Set(m.tokenizer.stopIds))
    #expect(tokens == expected, "prompt \(i): \(m.tokenizer.decode(tokens).debugDescription)")
  }

  @Test func greedyAnswerIsTransformersText() throws {
    let m = try resolved()
    let expected = try String(
      contentsOf: try goldenURL("smollm2/done_when.txt"), encoding: .utf8)
    let generator = TextGenerator(
      model: m.model, stopIds: Set(m.tokenizer.stopIds), sampling: .greedy, seed: 0,
      maxLength: 256)
    let tokens = try generator.run(prompt: try promptIds(m, "What is 7 + 5?"), maxNewTokens: 128)
    #expect(m.tokenizer.decode(tokens) == expected)
  }

  /// The fixture script's ±1 vectors: a 64-bit LCG (Knuth's MMIX constants), top bit.
  static func projectionSigns(count: Int) -> [[Double]] {
    var state: UInt64 = 1234
    return (0..<2).map { _ in
      (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state >> 63 == 1 ? 1 : -1
      }
    }
  }
}
