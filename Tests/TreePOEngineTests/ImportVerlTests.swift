import Foundation
import Testing

@testable import TreePOEngine

// `treepo import verl` on the fixtures of scripts/make_import_fixtures.py (Fixtures/import):
// TreePO paths with fallback-rewritten and ragged counts, a flat group, token ids, bad lines of
// every kind, a missing step, an empty step file and a gzip'd one. Trees asserted node by node.

func importFixture(_ path: String) throws -> String {
  let root = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
  return root.appendingPathComponent("Fixtures/import").appendingPathComponent(path).path
}

/// "id<-parent depth reason "text" [=sample]" per node, so a failure shows the whole tree.
func describe(_ tree: ImportedTree) -> [String] {
  tree.nodes.map { n in
    let parent = n.parent.map(String.init) ?? "-"
    let ids = n.tokenIds.isEmpty ? "" : " \(n.tokenIds)"
    return "\(n.id)<-\(parent) d\(n.depth) \(n.reason.rawValue) \"\(n.text)\"\(ids)"
      + (n.sample.map { " =\($0)" } ?? "")
  }
}

/// The samples of one step file, read the way the importer reads them (bad lines skipped).
func stepSamples(_ file: String, step: Int, format: SampleLineFormat = .verl) throws -> (
  [RolloutSample], ImportReport
) {
  let out = URL(fileURLWithPath: NSTemporaryDirectory() + "treepo-import-\(UUID().uuidString)")
  let importer = try RolloutImporter(
    output: out, header: TraceHeader(model: "t", task: "t"), source: "test")
  let samples = try importer.readSamples(path: try importFixture(file), format: format, step: step)
  return (samples, importer.report)
}

@Suite struct ImportVerlTests {
  @Test func treeIndexRebuildsTheTreeNodeByNode() throws {
    let (samples, report) = try stepSamples("verl-tree/1.jsonl", step: 1)
    #expect(report.skippedLines == 0)
    let groups = RolloutSample.grouped(samples)
    #expect(groups.map(\.count) == [6, 3], "uid u1, then abc_3_0..2 grouped as abc")
    let tree = ImportedTree.build(groups[0])
    #expect(tree.method == "tree_idx")
    #expect(
      describe(tree) == [
        "0<-- d0 root \"\"",
        "1<-0 d1 initial \"Let x=2. \"",
        "2<-0 d1 initial \"Try 3. \"",
        // Ends at its count (10), not where its leaves' texts part ("Then y=4. So ").
        "3<-1 d2 divergence \"Then y=4. \"",
        // A fallback cut 4 tokens into this segment: it ends where the cut path parts.
        "4<-1 d2 divergence \"Then\"",
        // Ragged counts [9,10,5,8]: the new segment takes the last count.
        "5<-1 d2 fallback \"Thus 5!!\" =4",
        "6<-2 d2 divergence \"Done 3.\" =3",
        "7<-3 d3 divergence \"So 6.\" =0",
        "8<-3 d3 divergence \"So 5!\" =1",
        "9<-4 d3 divergence \" y=5. So 7.\" =2",
        "10<-4 d3 fallback \"!w=1.\" =5",
      ])
  }

  @Test func flatGroupBecomesAPrefixTreeOnText() throws {
    let (samples, _) = try stepSamples("verl-tree/1.jsonl", step: 1)
    let tree = ImportedTree.build(RolloutSample.grouped(samples)[1])
    #expect(tree.method == "prefix-text")
    #expect(
      describe(tree) == [
        "0<-- d0 root \"\"",
        "1<-0 d1 initial \"The answer is 1\"",
        "2<-1 d2 divergence \"2.\" =0",
        "3<-1 d2 divergence \"5.\" =1",
        "4<-0 d1 initial \"I think 12.\" =2",
      ])
  }

  @Test func tokenIdsGiveAPrefixTreeOnTokensAndBadLinesAreSkipped() throws {
    let (samples, report) = try stepSamples("verl-tree/2.jsonl", step: 2)
    let path = try importFixture("verl-tree/2.jsonl")
    #expect(
      report.warnings == [
        "\(path): line 2 is not valid JSON (unexpected end of input, expected a value at "
          + "column 27); skipped it.",
        "\(path): line 4 has no \"output\"; skipped it.",
        "\(path): line 5 is not valid JSON (invalid UTF-8 in a string at column 28); skipped it.",
        "\(path): line 6 is cut short (no newline at the end of the file and not valid JSON); "
          + "skipped it.",
      ])
    #expect(report.skippedLines == 4)
    #expect(samples.map(\.advantage) == [0.5, -0.5], "a scalar, and the mean of a per-token list")
    let tree = ImportedTree.build(samples)
    #expect(tree.method == "prefix-tokens")
    #expect(
      describe(tree) == [
        "0<-- d0 root \"\"",
        "1<-0 d1 initial \"a\" [5]",
        "2<-1 d2 divergence \"b\" [6] =0",
        "3<-1 d2 divergence \"c\" [7] =1",
      ])
  }

  @Test func gzipStepAndASampleThatEndsInsideAnother() throws {
    let (samples, _) = try stepSamples("verl-tree/5.jsonl.gz", step: 5)
    #expect(
      describe(ImportedTree.build(samples)) == [
        "0<-- d0 root \"\"",
        "1<-0 d1 initial \"fünf\"",
        // "fünf" ends where "fünfzig" goes on: it gets an empty leaf of its own.
        "2<-1 d2 divergence \"\" =0",
        "3<-1 d2 divergence \"zig\" =1",
      ])
  }

  @Test func wholeFolderWritesAReadableTraceAndReportsGaps() throws {
    let dir = try importFixture("verl-tree")
    let out = URL(
      fileURLWithPath: NSTemporaryDirectory() + "treepo-verl-\(UUID().uuidString).jsonl")
    defer { try? FileManager.default.removeItem(at: out) }
    let report = try VerlDumpImport.run(directory: dir, output: out)
    #expect((report.steps, report.groups, report.samples, report.skippedLines) == (3, 4, 13, 4))
    #expect(report.warnings.contains("\(dir) has no dump file for step 3; the trace skips it."))
    #expect(report.warnings.contains("\(dir)/4.jsonl is empty: step 4 has no samples."))
    let trace = try Trace.load(out)
    let rollouts = trace.events.compactMap { e -> Int? in
      if case .rolloutStarted(let r) = e { return r.rollout }
      return nil
    }
    #expect(rollouts == [1, 2, 5])
    let rewards = trace.events.compactMap { e -> Float? in
      if case .nodeEnded(let n) = e { return n.reward }
      return nil
    }
    #expect(rewards.count == 13)
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())
      .filter { $0.contains(out.lastPathComponent + ".partial") }
    #expect(leftovers.isEmpty, "the temporary file was renamed into place")
  }

  @Test func notAFolderIsOneSentence() throws {
    let out = URL(fileURLWithPath: NSTemporaryDirectory() + "treepo-never.jsonl")
    #expect(throws: TraceError("/nonexistent is not a folder (want verl's rollout_data_dir).")) {
      try VerlDumpImport.run(directory: "/nonexistent", output: out)
    }
    #expect(!FileManager.default.fileExists(atPath: out.path))
  }

  @Test func uidSuffixesAndTreeIndexParsing() {
    #expect(groupKey(uid: "9f2c_0_3") == "9f2c")
    #expect(groupKey(uid: "a_b_1_2") == "a_b")
    #expect(groupKey(uid: "u7#1-0#2-3") == "u7")
    #expect(groupKey(uid: "plain_uid") == "plain_uid")
    #expect(TreeIndexPath("0/1-0/2-9/4-1")?.segments.map(\.round) == [1, 2, 4])
    #expect(TreeIndexPath("3")?.segments == [])
    #expect(TreeIndexPath("0/1-x") == nil)
    #expect(TreeIndexPath("0/1-0-2") == nil)
    #expect(TreeIndexPath("") == nil)
  }
}
