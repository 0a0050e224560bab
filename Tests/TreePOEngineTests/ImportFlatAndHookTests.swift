import Foundation
import Testing

@testable import TreePOEngine

// `treepo import jsonl` (flat groups from any tool) and `treepo import trace` on the verl hook's
// gzip'd output from a fake run (integrations/verl, written by scripts/make_import_fixtures.py).

@Suite struct ImportFlatAndHookTests {
  @Test func flatGroupsByStepAndGroup() throws {
    let (samples, report) = try stepSamples("flat.jsonl", step: 0, format: .flat)
    let path = try importFixture("flat.jsonl")
    #expect(report.warnings == ["\(path): line 3 has no \"completion\"; skipped it."])
    #expect(samples.map(\.step) == [0, 0, 0, 1, 1], "no step → 0")
    let step0 = RolloutSample.grouped(samples.filter { $0.step == 0 })
    #expect(step0.map { $0.map(\.group) } == [["a", "a"], ["P2"]], "no group → the prompt")
    #expect(
      describe(ImportedTree.build(step0[0])) == [
        "0<-- d0 root \"\"",
        "1<-0 d1 initial \"yes, \"",
        "2<-1 d2 divergence \"4\" =0",
        "3<-1 d2 divergence \"5\" =1",
      ])
    #expect(step0[0].map(\.advantage) == [0.7, -0.7])
    #expect(step0[0].map(\.score) == [1, 0])
    // Two identical completions: one shared node, an empty leaf for each sample.
    let step1 = RolloutSample.grouped(samples.filter { $0.step == 1 })
    #expect(
      describe(ImportedTree.build(step1[0])) == [
        "0<-- d0 root \"\"",
        "1<-0 d1 initial \"yes, 4\"",
        "2<-1 d2 divergence \"\" =0",
        "3<-1 d2 divergence \"\" =1",
      ])
  }

  @Test func flatFileWritesOneRolloutPerStep() throws {
    let out = URL(
      fileURLWithPath: NSTemporaryDirectory() + "treepo-flat-\(UUID().uuidString).jsonl")
    defer { try? FileManager.default.removeItem(at: out) }
    let report = try FlatGroupImport.run(files: [try importFixture("flat.jsonl")], output: out)
    #expect((report.steps, report.groups, report.samples, report.skippedLines) == (2, 3, 5, 1))
    let trace = try Trace.load(out)
    let advantages = trace.events.compactMap { e -> [Float]? in
      if case .advantagesAssigned(let a) = e { return a.nodes.map(\.advantage) }
      return nil
    }
    #expect(advantages == [[0.7, -0.7]])
  }

  @Test func hookOutputUnpacksToTheTreeItWrote() throws {
    let out = URL(
      fileURLWithPath: NSTemporaryDirectory() + "treepo-hook-\(UUID().uuidString).jsonl")
    defer { try? FileManager.default.removeItem(at: out) }
    let report = try TraceUnpack.run(
      path: try importFixture("hook-run.trace.jsonl.gz"), output: out)
    #expect(report.rollouts == 2)
    #expect(report.warnings.isEmpty)
    let trace = try Trace.load(out)
    #expect(trace.header.model == "fake-char-model")
    var segments: [Int: (parent: Int?, reason: SpawnReason, text: String, ids: [Int])] = [:]
    var firstStep = true
    for event in trace.events {
      switch event {
      case .rolloutStarted(let r): firstStep = r.rollout == 2
      case .nodeSpawned(let n) where firstStep:
        segments[n.node] = (n.parent, n.reason, "", [])
      case .segmentDecoded(let s) where firstStep:
        segments[s.node]?.text = s.text
        segments[s.node]?.ids = s.tokenIds
        #expect(s.logprobs.count == s.tokenIds.count, "old log-probs per token")
        #expect(s.entropies.count == s.tokenIds.count, "entropies per token")
      default: break
      }
    }
    let shown = segments.keys.sorted().map { k in
      let s = segments[k]!
      return "\(k)<-\(s.parent.map(String.init) ?? "-") \(s.reason.rawValue) \"\(s.text)\""
    }
    #expect(
      shown == [
        "0<-- root \"\"", "1<-0 initial \"x=\"", "2<-0 initial \"y\"",
        "3<-1 divergence \"5.\"", "4<-1 divergence \"4;\"", "5<-1 fallback \"9!\"",
      ])
    #expect(segments[1]?.ids == [120, 61], "token ids: the characters' code points")
  }

  @Test func cutShortGzipKeepsTheWholeMembers() throws {
    let bytes = try Data(
      contentsOf: URL(fileURLWithPath: try importFixture("hook-run.trace.jsonl.gz")))
    let cut = URL(fileURLWithPath: NSTemporaryDirectory() + "treepo-cut-\(UUID().uuidString).gz")
    let out = URL(fileURLWithPath: NSTemporaryDirectory() + "treepo-cut-\(UUID().uuidString).jsonl")
    defer {
      try? FileManager.default.removeItem(at: cut)
      try? FileManager.default.removeItem(at: out)
    }
    try bytes.prefix(bytes.count - 40).write(to: cut)
    let report = try TraceUnpack.run(path: cut.path, output: out)
    #expect(report.rollouts >= 1)
    #expect(report.warnings.contains { $0.contains("ends inside a gzip member") })
  }
}
