import Foundation
import Testing
import TreePOTrace

// The reader's guards against hostile or broken files: each is one sentence naming the line, no
// crash, and memory that does not grow with what the file claims.

private func file(_ name: String) -> URL {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-guard-tests-\(getpid())-\(name)")
}

private let headerLine = String(
  decoding: TraceHeader(model: "tiny", task: "countdown").jsonLine(), as: UTF8.self)

private func spawn(_ node: Int, parent: Int?, prompt: Int = 0) -> String {
  let reason: SpawnReason = parent == nil ? .root : .initial
  let event = TreeEvent.nodeSpawned(
    NodeSpawned(
      prompt: prompt, node: node, parent: parent, depth: parent == nil ? 0 : 1,
      reason: reason))
  return String(decoding: event.jsonLine(), as: UTF8.self)
}

private let rollout = String(
  decoding: TreeEvent.rolloutStarted(
    RolloutStarted(rollout: 0, sampler: "tree", prompts: [], config: [:])
  ).jsonLine(), as: UTF8.self)

private func trace(_ lines: [String], _ name: String) throws -> URL {
  let url = file(name)
  try Data((headerLine + lines.joined()).utf8).write(to: url)
  return url
}

@Suite struct TraceGuardTests {
  @Test func hundredThousandDeepNestingIsOneSentence() throws {
    let deep = "{\"kind\":\"node_spawned\",\"x\":" + String(repeating: "[", count: 100_000) + "\n"
    let url = try trace([deep], "deep.jsonl")
    #expect(
      throws: TraceError(
        "\(url.path): line 2 is not a valid event (not JSON: nesting deeper than 64 levels "
          + "at column 91).")
    ) { try Trace.load(url) }
    // The tree builder too: no recursion to overflow.
    let text = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    #expect(throws: JSONParseError(line: 1, column: 65, reason: "nesting deeper than 64 levels")) {
      try JSONValue.parse(text)
    }
  }

  @Test func duplicateNodeIdNamesBothLines() throws {
    let url = try trace(
      [rollout, spawn(0, parent: nil), spawn(1, parent: 0), spawn(1, parent: 0)],
      "duplicate.jsonl")
    #expect(
      throws: TraceError(
        "\(url.path): line 5 spawns node 1 of prompt 0 again (first spawned on line 4).")
    ) { try Trace.load(url) }
  }

  @Test func nodeIdCycleIsRefused() throws {
    // 2 under 3 and 3 under 2: whichever comes first names a parent not spawned yet.
    let cycle = try trace(
      [rollout, spawn(0, parent: nil), spawn(2, parent: 3), spawn(3, parent: 2)], "cycle.jsonl")
    #expect(
      throws: TraceError(
        "\(cycle.path): line 4 spawns node 2 of prompt 0 under parent 3, which no earlier line "
          + "of this rollout spawned (a forward reference or a cycle).")
    ) { try Trace.load(cycle) }
    let own = try trace([rollout, spawn(0, parent: nil), spawn(4, parent: 4)], "own.jsonl")
    #expect(
      throws: TraceError(
        "\(own.path): line 4 makes node 4 of prompt 0 its own parent (a cycle).")
    ) { try Trace.load(own) }
  }

  @Test func nodeIdsStartOverWithEachRolloutAndPrompt() throws {
    let url = try trace(
      [
        rollout, spawn(0, parent: nil), spawn(1, parent: 0), spawn(0, parent: nil, prompt: 1),
        spawn(1, parent: 0, prompt: 1), rollout, spawn(0, parent: nil), spawn(1, parent: 0),
      ], "restart.jsonl")
    #expect(try Trace.load(url).events.count == 8)
  }

  @Test func twoGigabyteLineIsRefusedAfterTheLimit() throws {
    // A sparse file: the header, then 2 GiB without a newline. The reader gives up at its line
    // limit instead of holding the line (or reading the rest of it).
    let url = file("huge.jsonl")
    try Data((headerLine + "{\"kind\":\"segment_decoded\",\"text\":\"").utf8).write(to: url)
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: 2 << 30)
    try handle.close()
    defer { try? FileManager.default.removeItem(at: url) }
    let started = Date()
    #expect(
      throws: TraceError(
        "\(url.path): line 2 is longer than 32 MiB, the most a trace line may be.")
    ) { try Trace.load(url) }
    #expect(Date().timeIntervalSince(started) < 10)
  }

  @Test func overlongLineIsSkippedWhenNotStrict() throws {
    // What `treepo inspect` does: the line is noted, its bytes dropped as they are read, and the
    // lines after it are read as usual.
    let url = file("long.jsonl")
    let long = "{\"text\":\"" + String(repeating: "x", count: 3 << 20) + "\"}\n"
    try Data((headerLine + rollout + long + spawn(0, parent: nil)).utf8).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    var reader = try TraceReader(url: url, strict: false, maxLineBytes: 1 << 20)
    var events: [TreeEvent] = []
    while let event = try reader.next() { events.append(event) }
    #expect(events.count == 2)
    #expect(
      reader.problems == ["\(url.path): line 3 is longer than 1 MiB, the most a trace line may be."]
    )
    #expect(reader.lineNumber == 4)
  }

  @Test func notStrictReadingListsEveryProblemAndGoesOn() throws {
    let url = try trace(
      [
        rollout, spawn(0, parent: nil), "{\"kind\":\"node_spawned\"}\n", spawn(0, parent: nil),
        "[1,\n", spawn(1, parent: 0),
      ], "lenient.jsonl")
    var reader = try TraceReader(url: url, strict: false)
    var events = 0
    while try reader.next() != nil { events += 1 }
    #expect(events == 3)
    #expect(
      reader.problems == [
        "\(url.path): line 4 is not a valid event (missing field \"reason\").",
        "\(url.path): line 5 spawns node 0 of prompt 0 again (first spawned on line 3).",
        "\(url.path): line 6 is not a valid event (not JSON: unexpected end of input, expected a value at column 4).",
      ])
  }
}
