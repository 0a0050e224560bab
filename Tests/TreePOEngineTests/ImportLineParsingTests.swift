import Foundation
import Testing

@testable import TreePOEngine

// One dump line → one sample, read off the parser's tape: the shortcuts the import takes for
// speed (a prompt equal to the line before is not decoded again, the usual tree_idx is read from
// its bytes) give what the plain paths give, and bad bytes still cost exactly one sentence.

@Suite struct ImportLineParsingTests {
  /// Writes `lines` (raw bytes, one per line) to a temporary step file and reads it.
  func read(_ lines: [[UInt8]], format: SampleLineFormat = .verl) throws -> (
    [RolloutSample], ImportReport, String
  ) {
    let path = NSTemporaryDirectory() + "treepo-lines-\(UUID().uuidString).jsonl"
    defer { try? FileManager.default.removeItem(atPath: path) }
    let bytes: [UInt8] = lines.flatMap { $0 + [0x0A] }
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let out = URL(fileURLWithPath: path + ".trace")
    let importer = try RolloutImporter(
      output: out, header: TraceHeader(model: "t", task: "t"), source: "test")
    let samples = try importer.readSamples(path: path, format: format, step: 7)
    return (samples, importer.report, path)
  }

  @Test func invalidUTF8AndControlCharactersSkipOneLineEachWithFileAndLine() throws {
    let good = Array(#"{"input": "p", "output": "fine", "score": 1}"#.utf8)
    let prefix = Array(#"{"input": "p", "output": "twenty plain bytes.."#.utf8)
    let (samples, report, path) = try read([
      good,
      prefix + [0xC3, 0x28] + Array(#"", "score": 0}"#.utf8),  // a lead byte, no continuation
      prefix + [0x09] + Array(#"", "score": 0}"#.utf8),  // a raw tab inside the string
      good,
    ])
    #expect(samples.map(\.line) == [1, 4])
    #expect(report.skippedLines == 2)
    let column = prefix.count + 1
    #expect(
      report.warnings == [
        "\(path): line 2 is not valid JSON (invalid UTF-8 in a string at column \(column)); "
          + "skipped it.",
        "\(path): line 3 is not valid JSON (control character inside a string at column "
          + "\(column)); skipped it.",
      ])
  }

  @Test func repeatedPromptsEscapedOrNotReadTheSameAsFresh() throws {
    let lines = [
      #"{"input": "Q1 \"x\"\n", "output": "a", "uid": "g1_0_0"}"#,
      #"{"input": "Q1 \"x\"\n", "output": "b", "uid": "g1_0_1"}"#,
      #"{"input": "Q2 é", "output": "c", "uid": "g2_0_0"}"#,
      #"{"input": "Q2 \u00e9", "output": "d", "uid": "g2_0_1"}"#,
      #"{"input": "", "output": "e"}"#,
      #"{"input": "Q1 \"x\"\n", "output": "f"}"#,
      #"{"input": 3, "output": "g"}"#,
    ].map { Array($0.utf8) }
    let (samples, report, path) = try read(lines)
    #expect(
      samples.map(\.prompt) == ["Q1 \"x\"\n", "Q1 \"x\"\n", "Q2 é", "Q2 é", "", "Q1 \"x\"\n"])
    #expect(samples.map(\.group) == ["g1", "g1", "g2", "g2", "", "Q1 \"x\"\n"])
    #expect(
      report.warnings == [
        "\(path): line 7 has a \"input\" that is an integer, not a string; skipped it."
      ])
  }

  @Test func treeIndexFromBytesAgreesWithTheTextParser() throws {
    let texts = [
      "0/1-0/2-9/4-1", "3", "12/10-0", "007/01-002", "+0/1-0", "-0", "0/1-x", "0/1-0-2", "",
      "0/", "0//1-0", "0/1-", "0/-1", "99999999999999999999/1-0", "0/1-99999999999999999999",
      "0/1-0/", " 0", "0/1-0 ",
    ]
    for text in texts {
      var copy = text
      let fromBytes = copy.withUTF8 { TreeIndexPath(digits: $0) }
      // The byte reader takes the strict form only; whatever it takes, the text parser agrees.
      if let fromBytes { #expect(fromBytes == TreeIndexPath(text), "\(text)") }
      let line = #"{"input": "p", "output": "o", "tree_idx": "\#(text)"}"#
      let (samples, _, _) = try read([Array(line.utf8)])
      #expect(samples.first?.treeIndex == TreeIndexPath(text), "\(text)")
    }
    for strict in ["0/1-0/2-9/4-1", "3", "12/10-0", "007/01-002"] {
      var copy = strict
      #expect(copy.withUTF8 { TreeIndexPath(digits: $0) } != nil, "\(strict)")
    }
    for loose in ["+0/1-0", "-0", " 0", "0/1-0/"] {
      var copy = loose
      #expect(copy.withUTF8 { TreeIndexPath(digits: $0) } == nil, "\(loose)")
    }
  }

  @Test func groupKeyFromBytesAgreesWithTheTextVersion() {
    let uids = [
      "9f2c_0_3", "a_b_1_2", "u7#1-0#2-3", "plain_uid", "00010002_0_15", "x__1", "x_1_", "_1_2",
      "a_+1_2", "a_1_-2", "a_1_2#x_3_4", "a_1234567890123456789_2", "a_1_99999999999999999999",
      "a_b_c", "a_1_b", "é_1_2", "a_1_2é", "", "_", "__", "a#_1_2", "a_1_2#",
    ]
    var decided = 0
    for uid in uids {
      var copy = uid
      let fromBytes = copy.withUTF8 { u in
        groupKeyLength(asciiUID: u).map { String(decoding: u[..<$0], as: UTF8.self) }
      }
      if let fromBytes {
        decided += 1
        #expect(fromBytes == groupKey(uid: uid), "\(uid)")
      }
      let line = #"{"input": "p", "output": "o", "uid": "\#(uid)"}"#
      let samples = (try? read([Array(line.utf8)]))?.0
      #expect(samples?.first?.group == groupKey(uid: uid), "\(uid)")
    }
    #expect(decided >= 15, "the byte reader decides the usual uids itself")
  }
}
