import Foundation
import Testing

// The arith task's command-line checks, answered before a model is loaded: one sentence each.
@Suite struct ArithCommandTests {
  @Test func aBadPromptFileLineIsOneSentenceNamingTheLine() throws {
    let dir = FileManager.default.temporaryDirectory
      .appendingPathComponent("arith-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("q.jsonl")
    try "{\"question\": \"What is 2 + 2?\", \"answer\": 4}\n{\"question\": \"Why?\"}\n"
      .write(to: file, atomically: true, encoding: .utf8)
    for command in ["sample", "eval"] {
      let r = try Command.treepo([command, "--task", "arith", "--prompt-file", file.path])
      #expect(r.status == 1, "\(r.output)")
      #expect(
        r.lines.first.map(String.init) == "Error: \(file.path) line 2: there is no \"answer\".",
        "\(r.output)")
    }
  }

  @Test func promptFilesOfEvalAreForArith() throws {
    let r = try Command.treepo(["eval", "--prompt-file", "q.jsonl"])
    #expect(r.status != 0)
    #expect(
      r.lines.first.map(String.init)
        == "Error: --prompt-file is for --task arith (questions with answers).", "\(r.output)")
  }

  @Test func arithLevelsAreChecked() throws {
    let r = try Command.treepo(["sample", "--task", "arith", "--sizes", "7"])
    #expect(r.status != 0)
    #expect(
      r.lines.first.map(String.init) == "Error: --sizes 7 is outside the arith sizes 1-6 (levels).",
      "\(r.output)")
  }
}
