import Foundation
import Testing
import TreePOTrace

// `nodeSpawned.forkEntropy` (issue 13, a fork inside a segment): written only when set, read back
// exactly, and absent from — so nil for — every trace written before it, the demo included.

@Suite struct ForkEntropyFieldTests {
  @Test func theFieldIsWrittenOnlyWhenSetAndReadsBackExactly() throws {
    let plain = TreeEvent.nodeSpawned(
      NodeSpawned(prompt: 0, node: 3, parent: 1, depth: 2, reason: .divergence))
    let forked = TreeEvent.nodeSpawned(
      NodeSpawned(
        prompt: 0, node: 4, parent: 1, depth: 2, reason: .divergence, forkEntropy: 0.8125))
    let head = #"{"kind":"node_spawned","prompt":0,"node":"#
    #expect(
      String(decoding: plain.jsonLine(), as: UTF8.self)
        == head + #"3,"parent":1,"depth":2,"reason":"divergence"}"# + "\n")
    #expect(
      String(decoding: forked.jsonLine(), as: UTF8.self)
        == head + #"4,"parent":1,"depth":2,"reason":"divergence","forkEntropy":0.8125}"# + "\n")
    for e in [plain, forked] {
      let line = e.jsonLine().dropLast()
      #expect(try TreeEvent.parse(line: line) == e)
    }
    let bad = Array(
      (head + #"4,"depth":1,"reason":"initial","forkEntropy":"x"}"#).utf8)
    #expect(throws: TraceError.self) { _ = try TreeEvent.parse(line: bad[...]) }
  }

  @Test func theDemoTraceStillReadsWithoutTheField() throws {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("../../Assets/traces/demo.jsonl").standardized
    let trace = try Trace.load(demo)
    var spawned = 0
    for e in trace.events {
      guard case .nodeSpawned(let s) = e else { continue }
      spawned += 1
      #expect(s.forkEntropy == nil)
    }
    #expect(spawned > 10)
  }
}
