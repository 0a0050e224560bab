import Foundation
import Testing

// `treepo generate` as the real binary: the "Done when" (the greedy answer of SmolLM2 to
// "What is 7 + 5?" is transformers' text, from scripts/golden/make_smollm2_fixtures.py), the
// bundled model with --raw, and one sentence for a model without a chat template and for an
// unknown model. The SmolLM2 case needs `treepo models get smollm2-135m` (make test runs it); it
// is skipped with a printed reason otherwise, and fails under TREEPO_REQUIRE_REAL_MODEL=1.

@Suite struct GenerateCommandTests {
  @Test(.enabled(if: SmolLM2.runs, "SmolLM2 is not installed"))
  func greedyAnswerOfSmolLM2IsTransformersText() throws {
    #expect(SmolLM2.installed, "TREEPO_REQUIRE_REAL_MODEL=1 but SmolLM2 is not installed")
    let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../TreePOEngineTests/Fixtures/golden/smollm2/done_when.txt")
    let expected = try String(contentsOf: fixture, encoding: .utf8)
    let r = try Command.treepo([
      "generate", "--model", "smollm2-135m", "--prompt", "What is 7 + 5?", "--temperature", "0",
    ])
    #expect(r.status == 0)
    #expect(r.output == expected + "\n")
  }

  @Test func bundledModelContinuesRawText() throws {
    let r = try Command.treepo([
      "generate", "--prompt", "3 5>", "--raw", "--max-new-tokens", "8", "--temperature", "0",
    ])
    #expect(r.status == 0, "\(r.output)")
    #expect(r.lines.count == 1 && r.lines[0].count <= 8, "\(r.output)")
  }

  @Test func aModelWithoutChatTemplateOrAnUnknownNameIsOneSentence() throws {
    let noTemplate = try Command.treepo(["generate", "--prompt", "3 5>"])
    #expect(noTemplate.status != 0)
    #expect(noTemplate.lines.count == 1)
    #expect(noTemplate.output.contains("ships no chat template; pass --raw"))
    let unknown = try Command.treepo(["generate", "--model", "nosuchmodel", "--prompt", "hi"])
    #expect(unknown.status != 0)
    #expect(
      unknown.output
        == "Error: nosuchmodel: no such model folder or GGUF file, and not a known model name "
        + "(known: smollm2-135m).\n")
  }
}
