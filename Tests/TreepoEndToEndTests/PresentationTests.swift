import Foundation
import Testing

// What the CLI prints from the engine's data (the engine returns data; `treepo` formats it): the
// eval table and --json, sample's summary, and train's metrics lines.

@Suite struct PresentationTests {
  @Test func evalPrintsATableOrJSONWithTheDerivedRates() throws {
    let args = ["eval", "--numbers", "3", "--problems", "3", "--samples", "2"]
    let table = try Command.treepo(args)
    #expect(table.status == 0, "\(table.output)")
    #expect(table.output.contains("size  problems  greedy  mean@2  pass@2  greedy failures"))
    #expect(table.output.contains("sample failures (of problems × 2):"))
    let json = try Command.treepo(args + ["--json"])
    #expect(json.status == 0, "\(json.output)")
    let start = try #require(json.output.firstIndex(of: "{"))
    let object = try JSONSerialization.jsonObject(with: Data(json.output[start...].utf8))
    let rows = try #require((object as? [String: Any])?["bySize"] as? [[String: Any]])
    #expect(rows.count == 1)
    let row = rows[0]
    for key in ["greedyAccuracy", "meanAtK", "passAtK", "greedyCorrect", "size"] {
      #expect(row[key] != nil, "\(key) in \(row)")
    }
    let correct = try #require(row["greedyCorrect"] as? Int)
    #expect(row["greedyAccuracy"] as? Double == Double(correct) / 3)
  }

  @Test func samplePrintsItsSummary() throws {
    let r = try Command.treepo(["sample", "--prompts", "1", "--n", "2"])
    #expect(r.status == 0, "\(r.output)")
    for label in [
      "sampler          tree", "prompts          1", "trajectories     2 (n = 2 per prompt)",
      "mean@2 ", "pass@2 ", "tokens decoded ", "flat equivalent ", "outcomes ", "wall time ",
    ] {
      #expect(r.output.contains(label), "\(label)")
    }
  }

  @Test func trainWritesVerlMetricsLines() throws {
    let dir = try Command.scratch("metrics")
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try Command.treepo([
      "train", "--prompts-per-step", "1", "--n", "2", "--eval-problems", "2", "--no-traces",
      "--steps", "1", "--eval-every", "0", "--checkpoints", dir.path,
    ])
    #expect(r.status == 0, "\(r.output)")
    let line = try String(
      contentsOf: dir.appendingPathComponent("treepo/metrics.jsonl"), encoding: .utf8
    ).split(separator: "\n")[0]
    #expect(line.hasPrefix(#"{"step": 1, "data": {"actor/"#), "\(line)")
    let key = try Regex(#""([^"]+)": "#)
    let keys = line.matches(of: key).compactMap { $0.output[1].substring.map(String.init) }
      .dropFirst(2)
    #expect(Array(keys) == keys.sorted(), "keys sorted")
  }
}
