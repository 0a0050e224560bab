import Foundation
import Testing
import TreePOTrace

// Trace round trip and every reader error case (issue 4 item 3).

private func tempFile(_ name: String) -> URL {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-trace-tests-\(getpid())-\(name)")
}

private func write(_ text: String, to name: String) throws -> URL {
  let url = tempFile(name)
  try Data(text.utf8).write(to: url)
  return url
}

private let header = TraceHeader(
  model: "tiny", task: "countdown", config: ["rollout.n": "4"], seed: 42)

private let headerLine = String(decoding: header.jsonLine(), as: UTF8.self)

/// One event of every kind, with nils, odd strings and non-finite floats.
private let everyKind: [TreeEvent] = [
  .rolloutStarted(
    RolloutStarted(
      rollout: 0, sampler: "tree",
      prompts: [PromptInfo(index: 0, text: "6 6 9 0 7>8:", tokenIds: [6, 12, 6])],
      config: ["tree_div_policy": "entropy", "quote\"key": "back\\slash\nline"])),
  .nodeSpawned(NodeSpawned(prompt: 0, node: 0, parent: nil, depth: 0, reason: .root)),
  .nodeSpawned(NodeSpawned(prompt: 0, node: 1, parent: 0, depth: 1, reason: .initial)),
  .segmentDecoded(
    SegmentDecoded(
      prompt: 0, node: 1, tokenIds: [9, 15, 6], text: "9*6\u{01}é",
      logprobs: [-0.1, -1e-7, -.infinity], entropies: [0.8, 0.02, 3.4028235e38])),
  .nodeEnded(NodeEnded(prompt: 0, node: 1, outcome: .pruned, reason: "budget")),
  .nodeEnded(
    NodeEnded(
      prompt: 0, node: 2, outcome: .finished, reason: "terminator", reward: 0,
      failure: "arith")),
  .fallback(FallbackTaken(prompt: 0, sourceLeaf: 2, cutNode: 0, cutDepth: 0)),
  .roundFinished(RoundFinished(round: 3, counters: RolloutCounters(), done: true)),
  .advantagesAssigned(
    AdvantagesAssigned(
      estimator: "tree", nodes: [NodeAdvantage(prompt: 0, node: 2, advantage: -0.333333)])),
  .trainStep(
    TrainStepFinished(
      step: 1, metrics: ["actor/pg_loss": 0.1 + 0.2, "critic/score/mean": .infinity],
      changes: [NodeLogprobChange(prompt: 0, node: 2, before: -3.5, after: -3.25)])),
  .checkpointSaved(CheckpointSaved(step: 1, path: "/tmp/ckpt/step_1")),
]

@Test func traceRoundTripGivesIdenticalEvents() throws {
  let url = tempFile("roundtrip.jsonl")
  let synthetic = SyntheticTrace(prompts: 3, width: 6, rollouts: 2).events()
  let writer = try TraceWriter(url: url, header: header)
  try writer.write(everyKind)
  for event in synthetic { try writer.write(event) }
  writer.close()
  let trace = try Trace.load(url)
  #expect(trace.header == header)
  #expect(trace.events == everyKind + synthetic)
  #expect(trace.warnings.isEmpty)
}

/// `everyKind` as the format writes it: pins the encoding byte for byte (docs/trace-format.md)
/// and, read back, the decoding — without a second implementation to compare against.
private let everyKindLines = #"""
  {"kind":"rollout_started","rollout":0,"sampler":"tree","prompts":[{"index":0,"text":"6 6 9 0 7>8:","tokenIds":[6,12,6]}],"config":{"quote\"key":"back\\slash\nline","tree_div_policy":"entropy"}}
  {"kind":"node_spawned","prompt":0,"node":0,"depth":0,"reason":"root"}
  {"kind":"node_spawned","prompt":0,"node":1,"parent":0,"depth":1,"reason":"initial"}
  {"kind":"segment_decoded","prompt":0,"node":1,"tokenIds":[9,15,6],"text":"9*6\u0001é","logprobs":[-0.1,-1e-07,"-inf"],"entropies":[0.8,0.02,3.4028235e+38]}
  {"kind":"node_ended","prompt":0,"node":1,"outcome":"pruned","reason":"budget"}
  {"kind":"node_ended","prompt":0,"node":2,"outcome":"finished","reason":"terminator","reward":0.0,"failure":"arith"}
  {"kind":"fallback","prompt":0,"sourceLeaf":2,"cutNode":0,"cutDepth":0}
  {"kind":"round_finished","round":3,"counters":{"decodedTokens":0,"flatEquivalentTokens":0,"sharedPrefixTokens":0,"kvPagesInUse":0,"kvPagesPeak":0,"active":0,"finished":0,"stopped":0,"truncated":0,"pruned":0,"fallbacks":0,"elapsedSeconds":0.0},"done":true}
  {"kind":"advantages_assigned","estimator":"tree","nodes":[{"prompt":0,"node":2,"advantage":-0.333333}]}
  {"kind":"train_step","step":1,"metrics":{"actor/pg_loss":0.30000000000000004,"critic/score/mean":"inf"},"changes":[{"prompt":0,"node":2,"before":-3.5,"after":-3.25}]}
  {"kind":"checkpoint_saved","step":1,"path":"/tmp/ckpt/step_1"}

  """#

@Test func everyKindIsWrittenAsTheGoldenLines() {
  let written = everyKind.map { String(decoding: $0.jsonLine(), as: UTF8.self) }.joined()
  let expected = everyKindLines.split(separator: "\n").map { $0 + "\n" }
  for (line, golden) in zip(written.split(separator: "\n").map { $0 + "\n" }, expected) {
    #expect(line == golden)
  }
  #expect(written == everyKindLines)
}

@Test func goldenLinesReadBackAsEveryKind() throws {
  let url = try write(headerLine + everyKindLines, to: "golden.jsonl")
  #expect(try Trace.load(url).events == everyKind)
}

@Test func everyLineIsOnDiskAfterEachWrite() throws {
  // No buffering in the writer: what a crash would leave is every line written so far.
  let url = tempFile("flush.jsonl")
  let writer = try TraceWriter(url: url, header: header)
  try writer.write(everyKind[0])
  try writer.write(everyKind[1])
  let text = try String(contentsOf: url, encoding: .utf8)
  #expect(text.split(separator: "\n").count == 3)
  #expect(text.hasSuffix("\n"))
  #expect(try Trace.load(url).events == Array(everyKind[0...1]))
}

@Test func truncatedLastLineIsSkippedWithAWarning() throws {
  let good = String(decoding: everyKind[1].jsonLine(), as: UTF8.self)
  let partial = String(String(decoding: everyKind[2].jsonLine(), as: UTF8.self).prefix(20))
  let url = try write(headerLine + good + partial, to: "truncated.jsonl")
  let trace = try Trace.load(url)
  #expect(trace.events == [everyKind[1]])
  #expect(trace.warnings.count == 1)
  #expect(trace.warnings[0].contains("line 3 is truncated"))
  #expect(trace.warnings[0].contains(url.path))
}

@Test func completeLastLineWithoutNewlineIsRead() throws {
  let good = String(decoding: everyKind[1].jsonLine(), as: UTF8.self)
  let url = try write(headerLine + good.dropLast(), to: "no-newline.jsonl")
  let trace = try Trace.load(url)
  #expect(trace.events == [everyKind[1]])
  #expect(trace.warnings.isEmpty)
}

@Test func unknownKindIsSkippedAndCounted() throws {
  let good = String(decoding: everyKind[1].jsonLine(), as: UTF8.self)
  let future = "{\"kind\":\"beam_searched\",\"x\":1}\n"
  let url = try write(headerLine + future + good + future, to: "unknown.jsonl")
  let trace = try Trace.load(url)
  #expect(trace.events == [everyKind[1]])
  #expect(trace.skippedKinds == ["beam_searched": 2])
  #expect(trace.warnings == ["\(url.path): skipped 2 event(s) of unknown kind \"beam_searched\"."])
}

@Test func malformedLineInTheMiddleNamesTheLine() throws {
  let good = String(decoding: everyKind[1].jsonLine(), as: UTF8.self)
  let url = try write(headerLine + good + "{\"kind\":\"node_spawned\",\n" + good, to: "bad.jsonl")
  #expect(
    throws: TraceError(
      "\(url.path): line 3 is not a valid event "
        + "(not JSON: expected a string key at column 24).")
  ) {
    try Trace.load(url)
  }
}

@Test func knownKindWithMissingFieldNamesTheField() throws {
  let url = try write(
    headerLine + "{\"kind\":\"node_spawned\",\"prompt\":0,\"depth\":1,\"reason\":\"initial\"}\n",
    to: "missing.jsonl")
  #expect(
    throws: TraceError("\(url.path): line 2 is not a valid event (missing field \"node\").")
  ) { try Trace.load(url) }
}

@Test func foreignFilesGetOneSentence() throws {
  let csv = try write("a,b,c\n1,2,3\n", to: "foreign.csv")
  #expect(
    throws: TraceError(
      "\(csv.path) is not a treepo trace: line 1 is not a \"treepo-trace\" header.")
  ) { try Trace.load(csv) }

  let other = try write(
    "{\"format\":\"other\",\"version\":1,\"model\":\"m\",\"task\":\"t\","
      + "\"config\":{},\"seed\":0}\n",
    to: "other.jsonl")
  #expect(
    throws: TraceError(
      "\(other.path) is not a treepo trace: its format is \"other\", not \"treepo-trace\".")
  ) { try Trace.load(other) }

  let empty = try write("", to: "empty.jsonl")
  #expect(throws: TraceError("\(empty.path) is empty, not a treepo trace (no header line).")) {
    try Trace.load(empty)
  }

  let future = TraceHeader(model: "m", task: "t", version: 9)
  let newer = try write(String(decoding: future.jsonLine(), as: UTF8.self), to: "v9.jsonl")
  #expect(
    throws: TraceError(
      "\(newer.path) is trace format version 9; this treepo reads up to version 1.")
  ) { try Trace.load(newer) }

  let missing = tempFile("does-not-exist.jsonl")
  #expect(
    throws: TraceError(
      "Cannot open trace file \(missing.path): No such file or directory.")
  ) { try Trace.load(missing) }
}

@Test func wrongTypeNamesTheFieldWithItsPath() throws {
  let url = try write(
    headerLine + "{\"kind\":\"node_spawned\",\"prompt\":0,\"node\":\"3\",\"depth\":1,"
      + "\"reason\":\"initial\"}\n", to: "type.jsonl")
  #expect(
    throws: TraceError("\(url.path): line 2 is not a valid event (bad value at \"node\").")
  ) { try Trace.load(url) }
  let nested = try write(
    headerLine + "{\"kind\":\"rollout_started\",\"rollout\":0,\"sampler\":\"tree\","
      + "\"prompts\":[{\"index\":0,\"text\":5,\"tokenIds\":[]}],\"config\":{}}\n",
    to: "nested.jsonl")
  #expect(
    throws: TraceError(
      "\(nested.path): line 2 is not a valid event (bad value at \"prompts.0.text\").")
  ) { try Trace.load(nested) }
}
