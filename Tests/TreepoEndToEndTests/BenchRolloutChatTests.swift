import Foundation
import Testing

// `treepo bench rollout` builds its prompts and decoder the way `treepo sample` does (issue 13's
// SmolLM2 comparison): its flat baseline must decode the same tokens and score the same mean@n
// and pass@n as `treepo sample --sampler flat` on the same problem and seed. On SmolLM2 that
// needs the chat template, the end-of-turn stop and the cache sized to prompt + reply; without
// them the two commands disagree. The bundled model (no template, end-of-text stop) checks the
// same wiring always; the SmolLM2 case is skipped unless `treepo models get smollm2-135m` ran,
// and fails under TREEPO_REQUIRE_REAL_MODEL=1. (The tiny GGUF fixtures carry a tokenizer the
// engine does not load, so there is no tiny chat model to run here.)

@Suite struct BenchRolloutChatTests {
  @Test func flatBaselineOfTheBundledModelIsTreepoSample() throws {
    try expectFlatBaselineIsSample(model: [], task: "countdown", prompts: 2, n: 4, length: 16)
  }

  @Test(.enabled(if: SmolLM2.runs, "SmolLM2 is not installed"))
  func flatBaselineOfSmolLM2IsTreepoSample() throws {
    #expect(SmolLM2.installed, "TREEPO_REQUIRE_REAL_MODEL=1 but SmolLM2 is not installed")
    try expectFlatBaselineIsSample(
      model: ["--model", "smollm2-135m"], task: "arith", prompts: 1, n: 4, length: 16)
  }

  /// Runs bench rollout (flat + one tree variant, --json) and sample --sampler flat on the same
  /// prompts and seed 0, and compares the flat numbers.
  func expectFlatBaselineIsSample(
    model: [String], task: String, prompts: Int, n: Int, length: Int
  ) throws {
    let common =
      model + [
        "--task", task, "--prompts", "\(prompts)", "--n", "\(n)", "--response-length",
        "\(length)", "--seed", "0",
      ]
    let bench = try Command.treepo(
      ["bench", "rollout"] + common + ["--repeats", "1", "--variants", "fixed", "--json"])
    #expect(bench.status == 0, "\(bench.output)")
    let objects = try bench.lines.filter { $0.hasPrefix("{") }.map {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
    }
    try #require(objects.count == 2, "\(bench.output)")
    #expect(objects.map { $0["variant"] as? String } == ["flat", "fixed"])
    #expect(objects.allSatisfy { $0["task"] as? String == task })
    let flat = objects[0]
    let sample = try Command.treepo(["sample"] + common + ["--sampler", "flat"])
    #expect(sample.status == 0, "\(sample.output)")
    func field(_ name: String) -> Double? {
      sample.lines.first { $0.hasPrefix(name) }
        .flatMap { $0.dropFirst(name.count).split(separator: " ").first }.flatMap { Double($0) }
    }
    #expect(field("tokens decoded") == flat["tokens"] as? Double, "\(sample.output)")
    #expect(field("mean@\(n)") == flat["mean_at_n"] as? Double, "\(sample.output)")
    #expect(field("pass@\(n)") == flat["pass_at_n"] as? Double, "\(sample.output)")
    #expect((flat["tokens"] as? Double ?? 0) > 0)
  }
}
