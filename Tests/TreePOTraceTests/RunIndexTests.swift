import Foundation
import Testing
import TreePOTrace

// The run index: byte offsets of each step, step summaries from the small lines, a truncated last
// line, a foreign line named by its line number, a folder of step files, following a growing file.

private func temporary(_ name: String) -> URL {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-run-index-\(getpid())-\(UUID().uuidString)-\(name)")
}

/// A synthetic run of `rollouts` steps as a trace file, and its events.
private func run(rollouts: Int = 3) throws -> (URL, [TreeEvent]) {
  let synthetic = SyntheticTrace(prompts: 3, width: 4, rollouts: rollouts, seed: 5)
  let events = synthetic.events()
  let url = temporary("run.jsonl")
  let writer = try TraceWriter(url: url, header: synthetic.header)
  try writer.write(events)
  writer.close()
  return (url, events)
}

/// The events split at each rollout_started.
private func split(_ events: [TreeEvent]) -> [[TreeEvent]] {
  var out: [[TreeEvent]] = []
  for e in events {
    if case .rolloutStarted = e { out.append([]) }
    out[out.count - 1].append(e)
  }
  return out
}

@Suite struct RunIndexTests {
  @Test func offsetsPointAtEachStepsLines() throws {
    let (url, events) = try run()
    defer { try? FileManager.default.removeItem(at: url) }
    let index = try RunIndex(path: url.path)
    let bytes = try [UInt8](Data(contentsOf: url))
    let steps = split(events)
    #expect(index.steps.count == 3)
    for (i, step) in index.steps.enumerated() {
      #expect(bytes[step.start...].starts(with: Array("{\"kind\":\"rollout_started\"".utf8)))
      #expect(bytes[step.end - 1] == 0x0A)
      #expect(step.end == (i + 1 < steps.count ? index.steps[i + 1].start : bytes.count))
      let lineNumber = bytes[..<step.start].filter { $0 == 0x0A }.count + 1
      #expect(step.line == lineNumber)
      #expect(try index.events(ofStep: i).events == steps[i])
      var expected = StepSummary(rollout: i)
      for e in steps[i] { expected.count(e) }
      #expect(step.summary == expected)
      #expect(step.summary.prompts == 3 && step.summary.paths > 0)
    }
  }

  @Test func truncatedLastLineIsSkippedWithAWarning() throws {
    let (url, _) = try run(rollouts: 2)
    defer { try? FileManager.default.removeItem(at: url) }
    let whole = try RunIndex(path: url.path)
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count
    let handle = try FileHandle(forWritingTo: url)
    handle.seekToEndOfFile()
    // Cut just before its `}`: a line the scan would otherwise read without a full parse.
    let cut =
      "{\"kind\":\"node_ended\",\"prompt\":0,\"node\":1," + "\"outcome\":\"finished\",\"reward\":1"
    handle.write(Data(cut.utf8))
    try handle.close()
    let index = try RunIndex(path: url.path)
    #expect(index.steps == whole.steps)
    #expect(
      index.warnings == [
        "\(url.path): line \(lines + 1) is truncated (no newline at the end of the file, not "
          + "valid JSON); skipped it."
      ])
  }

  @Test func foreignLineIsTheStepsDamageNamedByItsLineNumber() throws {
    let (url, events) = try run(rollouts: 2)
    defer { try? FileManager.default.removeItem(at: url) }
    var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    lines.insert("{\"input\":\"2+2\",\"output\":\"4\",\"score\":1.0,\"step\":3}", at: 6)
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    var index = try RunIndex(path: url.path)
    #expect(index.steps.count == 2, "the run still opens")
    #expect(
      index.steps[0].damage
        == RunIndex.Damage(line: 7, reason: "is not a valid event (missing field \"kind\")"))
    #expect(index.steps[0].damagedLines == 1 && index.steps[1].damage == nil)
    let (decoded, warnings) = try index.events(ofStep: 0)
    #expect(decoded == split(events)[0], "decoding leaves the line out")
    #expect(warnings.first?.hasPrefix("\(url.path): line 7 is not a valid event") == true)
    lines[6] = "not json at all"
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: url)
    index = try RunIndex(path: url.path)
    #expect(index.steps[0].damage?.line == 7)
    #expect(index.steps[0].damage?.reason.hasPrefix("is not a valid event (not JSON") == true)
  }

  @Test func folderOfStepFilesIsOneRun() throws {
    let folder = temporary("folder")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let synthetic = SyntheticTrace(prompts: 2, width: 4, rollouts: 3, seed: 9)
    let steps = split(synthetic.events())
    // step_10 after step_2: files are taken in step order, not name order.
    for (i, name) in ["step_1.jsonl", "step_2.jsonl", "step_10.jsonl"].enumerated() {
      let writer = try TraceWriter(
        url: folder.appendingPathComponent(name), header: synthetic.header)
      try writer.write(steps[i])
      writer.close()
    }
    let index = try RunIndex(path: folder.path)
    #expect(
      index.files.map(\.lastPathComponent) == ["step_1.jsonl", "step_2.jsonl", "step_10.jsonl"])
    #expect(index.steps.map(\.file) == [0, 1, 2])
    #expect(index.steps.map(\.line) == [2, 2, 2])
    for i in 0..<3 { #expect(try index.events(ofStep: i).events == steps[i]) }
  }

  @Test func followWaitsForAHalfWrittenLine() throws {
    let (url, events) = try run(rollouts: 1)
    defer { try? FileManager.default.removeItem(at: url) }
    var index = try RunIndex(path: url.path, follow: true)
    #expect(index.steps.count == 1)
    let more = SyntheticTrace(prompts: 3, width: 4, rollouts: 2, seed: 5).events()
    let next = Array(split(more)[1])
    let bytes = next.flatMap { $0.jsonLine() }
    let handle = try FileHandle(forWritingTo: url)
    handle.seekToEndOfFile()
    handle.write(Data(bytes[..<30]))
    let half = try index.update()
    #expect(half == false)
    #expect(index.steps.count == 1 && index.warnings.isEmpty)
    #expect(index.steps[0].damage == nil, "a line being written is not damage")
    handle.write(Data(bytes[30...]))
    try handle.close()
    let whole = try index.update()
    #expect(whole)
    #expect(index.steps.count == 2)
    #expect(try index.events(ofStep: 0).events == events)
    #expect(try index.events(ofStep: 1).events == next)
  }

  @Test func searchPrefilterSkipsStepsThatCannotMatch() throws {
    let url = temporary("search.jsonl")
    defer { try? FileManager.default.removeItem(at: url) }
    let writer = try TraceWriter(url: url, header: TraceHeader(model: "m", task: "t"))
    for (r, text) in ["alpha BETA", "gamma"].enumerated() {
      try writer.write(
        .rolloutStarted(
          RolloutStarted(
            rollout: r, sampler: "flat", prompts: [PromptInfo(index: 0, text: text, tokenIds: [])],
            config: [:])))
    }
    writer.close()
    let index = try RunIndex(path: url.path)
    #expect(index.step(0, mayContain: "beta"))
    #expect(!index.step(1, mayContain: "beta"))
    #expect(index.step(1, mayContain: "GAMMA"))
    #expect(index.step(1, mayContain: "é"), "a non-ASCII query is never ruled out")
  }

  @Test func aBudgetedScanStopsAtAStepAndResumesToTheSameIndex() throws {
    let (url, _) = try run(rollouts: 4)
    defer { try? FileManager.default.removeItem(at: url) }
    let whole = try RunIndex(path: url.path)
    #expect(whole.complete && whole.indexedBytes == whole.seenBytes)
    // A 1-byte budget: the first step only (never half a step), then one step per update.
    var index = try RunIndex(path: url.path, scanBudget: 1)
    #expect(index.steps.count == 1 && !index.complete)
    #expect(index.steps[0] == whole.steps[0])
    for count in 2...4 {
      let grew = try index.update(budget: 1)
      #expect(grew && index.steps.count == count)
    }
    #expect(index.complete)
    let more = try index.update(budget: 1)
    #expect(more == false)
    #expect(index.steps == whole.steps && index.indexedBytes == whole.indexedBytes)
  }
}
