import Testing
import TreePOEngine
import TreePOTestSupport

// Compact decode weights on the real SmolLM2-135M-Instruct (skipped when it is not installed,
// failing under TREEPO_REQUIRE_REAL_MODEL=1, as GoldenSmolLM2Tests): a chat prompt's prefill and
// 24 greedy steps, the compact decoder teacher-forced on the fp32 decoder's tokens. Every call's
// logits stay within the stated tolerance of fp32's, and the greedy token is the same wherever
// fp32's top two are more than the tolerance apart.
@Suite(
  .enabled(if: RealModel.runs, "SmolLM2 is not installed: run `treepo models get smollm2-135m`"))
struct CompactDecodeSmolLM2Tests {
  static let steps = 24

  static func argmax(_ row: [Float]) -> Int { row.indices.max { row[$0] < row[$1] }! }

  static func decode(_ model: Model, prompt: [Int], forced: [Int]?) throws -> ([[Float]], [Int]) {
    let decoder = DecoderSession(
      model: model, cache: KVCache(config: model.config, pageSize: 16, capacity: 8), maxBatch: 1)
    let seq = decoder.cache.newSequence()
    var logits = Array(try decoder.prefill(seq, tokens: prompt))
    var calls = [logits]
    var tokens: [Int] = []
    for s in 0..<steps {
      let next = forced?[s] ?? Self.argmax(logits)
      tokens.append(next)
      logits = Array(try decoder.step([seq], tokens: [next])[0])
      calls.append(logits)
    }
    return (calls, tokens)
  }

  /// max |Δ logit| ≤ tolerance · max |fp32 logit| (seen: bf16 0.69%, Q8_0 4.1% — the GGUF is Q4_1,
  /// 16 levels per block, which Q8_0's 255 levels of max|x|/127 cannot hit exactly).
  @Test func compactLogitsStayCloseToFP32() throws {
    _ = try #require(
      RealModel.path, "\(RealModel.name) is not installed but TREEPO_REQUIRE_REAL_MODEL=1")
    let real = try RealModel.loaded.get()
    // A copy: the suite's shared model must keep decoding in fp32 for the golden tests.
    let model = Model(config: real.model.config)
    model.parameters.copy(from: real.model.parameters)
    let template = try ChatTemplate(
      recognizing: try #require(real.chatTemplate, "no chat template"), source: real.path)
    let prompt = try real.tokenizer.encode(template.prompt(user: "What is 7 + 5?"))
    let (expected, greedy) = try Self.decode(model, prompt: prompt, forced: nil)
    for (format, tolerance) in [(DecodeWeightFormat.bf16, 1e-2), (.q8, 6e-2)] {
      model.useDecodeWeights(format, threads: 2)
      let (actual, _) = try Self.decode(model, prompt: prompt, forced: greedy)
      var worst = 0.0
      for (i, (a, e)) in zip(actual, expected).enumerated() {
        let scale = Double(e.map(abs).max()!)
        worst = max(worst, zip(a, e).map { Double(abs($0 - $1)) }.max()! / scale)
        expectCloseFloats("\(format) call \(i) logits", a, e, tolerance: tolerance, relative: true)
        let sorted = e.sorted(by: >)
        if Double(sorted[0] - sorted[1]) > 2 * tolerance * scale {
          #expect(Self.argmax(a) == Self.argmax(e), "\(format) call \(i) argmax")
        }
      }
      print("CompactDecodeSmolLM2Tests: \(format) max |Δ logit| / max |logit| = \(worst)")
    }
  }
}
