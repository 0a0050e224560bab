import Foundation
import Testing
import TreePOTrace

// The index below the step: each prompt's lines (runs of byte offsets) and summary, checked
// against a full decode of the same file, for the engine's interleaved rounds and for imports'
// contiguous prompts; damaged lines in the parts the scan does not parse; reading one tree reads
// only its lines.

private func temporary(_ name: String) -> URL {
  FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-run-trees-\(getpid())-\(UUID().uuidString)-\(name)")
}

private func write(_ events: [TreeEvent], _ name: String) throws -> URL {
  let url = temporary(name)
  let writer = try TraceWriter(url: url, header: TraceHeader(model: "m", task: "t"))
  try writer.write(events)
  writer.close()
  return url
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

/// The prompt an event belongs to, or nil for the step's shared events.
private func prompt(of e: TreeEvent) -> Int? {
  switch e {
  case .nodeSpawned(let x): x.prompt
  case .segmentDecoded(let x): x.prompt
  case .nodeEnded(let x): x.prompt
  case .fallback(let x): x.prompt
  default: nil
  }
}

/// What one prompt's tree is made of: its own events and the shared ones, narrowed to it.
private func expectedTree(_ step: [TreeEvent], _ p: Int) -> [TreeEvent] {
  step.dropFirst().compactMap { e in
    switch e {
    case .advantagesAssigned(var x):
      x.nodes.removeAll { $0.prompt != p }
      return .advantagesAssigned(x)
    case .trainStep(var x):
      x.changes.removeAll { $0.prompt != p }
      return .trainStep(x)
    default: return prompt(of: e).map { $0 == p ? e : nil } ?? e
    }
  }
}

/// The summary worked out from the events: each ended path's length up through its parents.
private func expectedSummary(_ step: [TreeEvent], _ p: Int) -> RunIndex.PromptSummary {
  var s = RunIndex.PromptSummary()
  var parent: [Int: Int] = [:]
  var length: [Int: Int] = [:]
  for e in step {
    switch e {
    case .nodeSpawned(let x) where x.prompt == p: parent[x.node] = x.parent
    case .segmentDecoded(let x) where x.prompt == p:
      length[x.node, default: 0] += x.tokenIds.isEmpty ? x.text.utf8.count : x.tokenIds.count
    case .nodeEnded(let x) where x.prompt == p && x.outcome != .pruned:
      s.paths += 1
      if x.outcome == .finished, (x.reward ?? 0) > 0 { s.passed += 1 }
      if x.outcome == .stopped || x.outcome == .truncated { s.cut += 1 }
      if let r = x.reward, r.isFinite {
        s.scored += 1
        s.scoreSum += Double(r)
        s.scoreSquares += Double(r) * Double(r)
      }
      var cursor: Int? = x.node
      while let c = cursor {
        s.lengthSum += length[c] ?? 0
        cursor = parent[c]
      }
    default: break
    }
  }
  return s
}

/// Each step regrouped as an import writes it: the prompts one after another, shared lines last.
private func contiguous(_ events: [TreeEvent]) -> [TreeEvent] {
  split(events).flatMap { step -> [TreeEvent] in
    let body = step.dropFirst()
    let prompts = Set(body.compactMap(prompt(of:))).sorted()
    return [step[0]] + prompts.flatMap { p in body.filter { prompt(of: $0) == p } }
      + body.filter { prompt(of: $0) == nil }
  }
}

/// The file's lines with their byte ranges (newline included).
private func lines(of url: URL) throws -> [(range: Range<Int>, text: String)] {
  let bytes = try [UInt8](Data(contentsOf: url))
  var out: [(Range<Int>, String)] = []
  var start = 0
  for (i, b) in bytes.enumerated() where b == 0x0A {
    out.append((start..<(i + 1), String(decoding: bytes[start..<i], as: UTF8.self)))
    start = i + 1
  }
  return out
}

@Suite struct RunIndexTreeTests {
  @Test(arguments: ["interleaved", "contiguous"])
  func eachTreeIsItsPromptsEventsAndReadsOnlyItsLines(layout: String) throws {
    let synthetic = SyntheticTrace(prompts: 4, width: 6, rollouts: 3, seed: 11)
    var events = synthetic.events()
    if layout == "contiguous" { events = contiguous(events) }
    let url = try write(events, "\(layout).jsonl")
    defer { try? FileManager.default.removeItem(at: url) }
    if layout == "interleaved" {
      // A writer with another key order: these lines take the full parse, and still land in
      // their prompt's runs.
      var text = try String(contentsOf: url, encoding: .utf8)
      text = text.replacingOccurrences(
        of: "{\"kind\":\"node_ended\",\"prompt\":1,", with: "{\"prompt\":1,\"kind\":\"node_ended\","
      )
      try Data(text.utf8).write(to: url)
    }
    let index = try RunIndex(path: url.path)
    let steps = split(events)
    let fileLines = try lines(of: url)
    #expect(index.steps.count == 3)
    for (i, step) in index.steps.enumerated() {
      #expect(step.prompts.map(\.index) == [0, 1, 2, 3] && !step.coarse && step.damage == nil)
      for p in 0..<4 {
        let tree = try index.tree(ofStep: i, prompt: p)
        #expect(tree.events == expectedTree(steps[i], p), "step \(i) prompt \(p)")
        #expect(tree.warnings.isEmpty)
        #expect(step.prompts[p].summary == expectedSummary(steps[i], p), "step \(i) prompt \(p)")
        // The bytes read are exactly this prompt's lines and the shared ones.
        var own = 0
        for line in fileLines
        where line.range.lowerBound > step.start
          && line.range.upperBound <= step.end
        {
          let e = try #require(try TreeEvent.parse(line: ArraySlice(line.text.utf8)))
          if prompt(of: e) == nil || prompt(of: e) == p { own += line.range.count }
        }
        #expect(tree.bytesRead == own, "step \(i) prompt \(p)")
        #expect(tree.bytesRead < step.bytes / 2)
      }
      if layout == "contiguous" {
        #expect(step.prompts.allSatisfy { $0.runs.count == 1 }, "one run per prompt")
      }
    }
  }

  @Test func damagedLinesWhereTheScanDoesNotParseAreFoundWithTheirLineNumbers() throws {
    let synthetic = SyntheticTrace(prompts: 3, width: 4, rollouts: 2, seed: 5)
    let url = try write(synthetic.events(), "damaged.jsonl")
    defer { try? FileManager.default.removeItem(at: url) }
    var text = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    let second = text.indices.filter { text[$0].hasPrefix("{\"kind\":\"rollout_started\"") }[1]
    // In step 2: a segment cut short (a crash mid-line, then more lines) and a spawn whose prompt
    // is not a number — lines the old scan passed over unread.
    let segment = try #require(
      text.indices.first { $0 > second && text[$0].hasPrefix("{\"kind\":\"segment_decoded\"") })
    text[segment] = String(text[segment].prefix(60))
    let spawn = try #require(
      text.indices.first {
        $0 > segment && text[$0].hasPrefix("{\"kind\":\"node_spawned\",\"prompt\":2,")
      })
    text[spawn] = text[spawn].replacingOccurrences(of: "\"prompt\":2,", with: "\"prompt\":\"2\",")
    try Data((text.joined(separator: "\n") + "\n").utf8).write(to: url)
    let index = try RunIndex(path: url.path)
    #expect(index.steps.count == 2 && index.steps[0].damage == nil)
    let damage = try #require(index.steps[1].damage)
    #expect(damage.line == segment + 1)
    #expect(damage.reason.hasPrefix("is not a valid event (not JSON"))
    #expect(index.steps[1].damagedLines == 2)
    // The trees still open; the damaged lines are in no prompt's runs.
    for p in 0..<3 { _ = try index.tree(ofStep: 1, prompt: p) }
    let whole = try index.events(ofStep: 1)
    #expect(whole.warnings.count >= 2)
    #expect(whole.warnings[0].contains("line \(segment + 1) is not a valid event"))
    #expect(whole.warnings.contains { $0.contains("line \(spawn + 1) is not a valid event") })
  }

  @Test func aStepOfTooManyRunsIsReadWholeAndFiltered() throws {
    // Two prompts whose lines alternate, 300 spawns each: a run per line, over the budget.
    var events: [TreeEvent] = [
      .rolloutStarted(
        RolloutStarted(
          rollout: 1, sampler: "tree",
          prompts: [0, 1].map { PromptInfo(index: $0, text: "Q\($0)", tokenIds: []) },
          config: [:]))
    ]
    for p in 0..<2 {
      events.append(
        .nodeSpawned(NodeSpawned(prompt: p, node: 0, parent: nil, depth: 0, reason: .root)))
    }
    for n in 1...300 {
      for p in 0..<2 {
        events.append(
          .nodeSpawned(NodeSpawned(prompt: p, node: n, parent: 0, depth: 1, reason: .initial)))
      }
    }
    events.append(
      .nodeEnded(NodeEnded(prompt: 1, node: 7, outcome: .finished, reason: "eos", reward: 1)))
    let url = try write(events, "coarse.jsonl")
    defer { try? FileManager.default.removeItem(at: url) }
    let index = try RunIndex(path: url.path)
    let step = try #require(index.steps.first)
    #expect(step.coarse && step.prompts.allSatisfy { $0.runs.isEmpty } && step.shared.isEmpty)
    for p in 0..<2 {
      #expect(try index.tree(ofStep: 0, prompt: p).events == expectedTree(events, p))
      #expect(step.prompts[p].summary == expectedSummary(events, p))
    }
  }

  @Test func textOnlySegmentsMeasureTheirUnescapedText() throws {
    let texts = ["héllo\n", "tab\there \"q\" \\ \u{1}/", "😀x"]
    var events: [TreeEvent] = [
      .rolloutStarted(
        RolloutStarted(
          rollout: 1, sampler: "flat", prompts: [PromptInfo(index: 0, text: "Q", tokenIds: [])],
          config: [:])),
      .nodeSpawned(NodeSpawned(prompt: 0, node: 0, parent: nil, depth: 0, reason: .root)),
    ]
    for (i, text) in texts.enumerated() {
      events += [
        .nodeSpawned(
          NodeSpawned(prompt: 0, node: i + 1, parent: i, depth: i + 1, reason: .initial)),
        .segmentDecoded(
          SegmentDecoded(
            prompt: 0, node: i + 1, tokenIds: [], text: text, logprobs: [], entropies: [])),
      ]
    }
    events.append(
      .nodeEnded(NodeEnded(prompt: 0, node: 3, outcome: .finished, reason: "eos", reward: 0.5)))
    let url = try write(events, "text.jsonl")
    defer { try? FileManager.default.removeItem(at: url) }
    let summary = try RunIndex(path: url.path).steps[0].prompts[0].summary
    #expect(summary.lengthSum == texts.map(\.utf8.count).reduce(0, +))
    #expect(summary == expectedSummary(events, 0))
  }
}
