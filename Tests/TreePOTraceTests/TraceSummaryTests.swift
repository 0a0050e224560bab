import Foundation
import Testing
import TreePOTrace

// What `treepo inspect` counts, against counts made independently from the events.

@Test func summaryCountsWhatTheEventsHold() throws {
  let synthetic = SyntheticTrace(prompts: 3, width: 6, rollouts: 2)
  let events = synthetic.events()
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-summary-\(getpid()).jsonl")
  let writer = try TraceWriter(url: url, header: synthetic.header)
  try writer.write(events)
  writer.close()

  let s = TraceSummary.of(url)
  #expect(s.isValid)
  #expect(s.events == events.count && s.lines == events.count + 1)
  #expect(s.rollouts == 2 && s.prompts == 6 && s.trainSteps == 2)
  var nodes = 0
  var ended: [NodeOutcome: Int] = [:]
  var rewards: [Float] = []
  for event in events {
    if case .nodeSpawned = event { nodes += 1 }
    if case .nodeEnded(let e) = event {
      ended[e.outcome, default: 0] += 1
      if let r = e.reward { rewards.append(r) }
    }
  }
  #expect(s.nodes == nodes)
  for outcome in NodeOutcome.allCases {
    #expect(s.outcomes[outcome.rawValue] ?? 0 == ended[outcome] ?? 0, "\(outcome)")
  }
  let mean = Double(rewards.reduce(0, +)) / Double(rewards.count)
  #expect(abs((s.rewardMean ?? .nan) - mean) < 1e-6)

  // One duplicated spawn line: invalid, the problem names its line, the rest is still counted.
  var lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
  let spawn = try #require(lines.firstIndex { $0.contains("\"parent\"") })
  lines.insert(lines[spawn], at: spawn + 1)
  try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
  let bad = TraceSummary.of(url)
  #expect(!bad.isValid)
  #expect(bad.problemCount == 1)
  #expect(bad.problems.first?.contains("line \(spawn + 2) spawns node") == true)
  #expect(bad.nodes == nodes)
}
