import Foundation
import Testing

@testable import TreePOEngine

// verl's V1 trainer pads its data-parallel batches with synthetic samples (uid `pad` + 32 hex
// digits, `_{session}_0`; prompt and response all end tokens, so empty text after
// skip_special_tokens; score 0) and its `rollout_data_dir` dump writes them with the rest, as
// verl 0.9.1 does (integrations/verl/tests/test_verl_dumps_import.py runs verl's own writer).
// The import leaves them out and says how many; a uid that only looks alike stays a group.

@Suite struct ImportVerlPaddingTests {
  static let pad = "pad896b7375bd194630af0b1a0e58a600e3"

  static func line(_ input: String, _ output: String, _ score: Double, uid: String) -> String {
    #"{"input": "\#(input)", "output": "\#(output)", "gts": null, "score": \#(score), "step": 2, "uid": "\#(uid)"}"#
  }

  @Test func paddingSamplesAreLeftOutAndCounted() throws {
    let dir = NSTemporaryDirectory() + "treepo-verl-padding-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let lines = [
      Self.line("", "", 0, uid: "\(Self.pad)_0_0"),
      Self.line("", "", 0, uid: "\(Self.pad)_1_0"),
      Self.line("Q1 ", "x=3.", 1, uid: "s2_a_0_0"),
      Self.line("Q1 ", "x=4.", 0, uid: "s2_a_1_0"),
      // Not verl's padding: 31 hex digits, an upper-case digit, a user's own uid.
      Self.line("Q2 ", "y", 1, uid: "pad896b7375bd194630af0b1a0e58a600e_0_0"),
      Self.line("Q3 ", "z", 1, uid: "pad896b7375bd194630af0b1a0e58a600E3_0_0"),
      Self.line("Q4 ", "w", 0, uid: "padding_0_0"),
    ]
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: dir + "/2.jsonl", atomically: true, encoding: .utf8)
    let out = URL(fileURLWithPath: dir + "/out.jsonl")
    let report = try VerlDumpImport.run(directory: dir, output: out)
    #expect((report.samples, report.groups, report.skippedLines) == (5, 4, 0))
    #expect(report.paddingSamples == 2)
    #expect(
      report.summary.hasSuffix(
        "Left out 2 of verl's padding sample(s) (uid pad…, no prompt of the run)."),
      "\(report.summary)")
    let trace = try Trace.load(out)
    let prompts = trace.events.compactMap { e -> [String]? in
      if case .rolloutStarted(let r) = e { return r.prompts.map(\.text) }
      return nil
    }
    #expect(prompts == [["Q1 ", "Q2 ", "Q3 ", "Q4 "]])
  }

  @Test func aDumpWithoutPaddingSaysNothingOfIt() throws {
    let report = try VerlDumpImport.run(
      directory: try importFixture("verl-tree"),
      output: URL(fileURLWithPath: NSTemporaryDirectory() + "treepo-np-\(UUID().uuidString)"))
    defer { try? FileManager.default.removeItem(atPath: report.output) }
    #expect(report.paddingSamples == 0)
    #expect(report.summary.hasSuffix("bad line(s)."), "\(report.summary)")
  }
}
