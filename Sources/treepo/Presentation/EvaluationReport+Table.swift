// `treepo eval`'s views of an evaluation: the human table and the JSON of --json (with the
// derived rates, so scripts need not recompute them).

import Foundation
import TreePOEngine

extension EvaluationReport {
  func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    // Derived rates are written too, so scripts need not recompute them.
    struct Row: Encodable {
      let result: SizeResult
      func encode(to encoder: Encoder) throws {
        try result.encode(to: encoder)
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(result.greedyAccuracy, forKey: .greedyAccuracy)
        try c.encode(result.meanAtK, forKey: .meanAtK)
        try c.encode(result.passAtK, forKey: .passAtK)
      }
      enum Key: String, CodingKey { case greedyAccuracy, meanAtK, passAtK }
    }
    struct Out: Encodable {
      let task: String
      let samples: Int
      let temperature: Float
      let bySize: [Row]
      let entropyByClass: [String: Float]
      let tokensByClass: [String: Int]
    }
    let out = Out(
      task: task, samples: samples, temperature: temperature, bySize: bySize.map(Row.init),
      entropyByClass: entropyByClass, tokensByClass: tokensByClass)
    return String(decoding: (try? encoder.encode(out)) ?? Data(), as: UTF8.self)
  }

  /// The human table: one line per size, then the failure reasons and the entropies.
  var table: String {
    let k = samples
    var lines = [
      "size  problems  greedy" + (k > 0 ? "  mean@\(k)  pass@\(k)" : "") + "  greedy failures"
    ]
    for r in bySize {
      var line = pad("\(r.size)", 4) + pad("\(r.problems)", 10) + pad(percent(r.greedyAccuracy), 8)
      if k > 0 { line += pad(percent(r.meanAtK), 9) + pad(percent(r.passAtK), 9) }
      lines.append(line + "  " + reasons(r.greedyFailures))
    }
    if k > 0 {
      lines.append("")
      lines.append("sample failures (of problems × \(k)):")
      for r in bySize { lines.append("  \(r.size): " + reasons(r.sampleFailures)) }
    }
    if !entropyByClass.isEmpty {
      lines.append("")
      lines.append("mean entropy at temperature \(temperature) by token class (nats):")
      let order = CountdownTokenClass.allCases.map(\.rawValue) + ["all"]
      for cls in order where entropyByClass[cls] != nil {
        let h = String(format: "%.3f", entropyByClass[cls]!)
        lines.append(
          "  " + cls.padding(toLength: 15, withPad: " ", startingAt: 0) + h
            + "  (\(tokensByClass[cls] ?? 0) tokens)")
      }
    }
    return lines.joined(separator: "\n")
  }

  private func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
  private func pad(_ s: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - s.count)) + s
  }
  private func reasons(_ counts: [String: Int]) -> String {
    counts.isEmpty
      ? "-"
      : counts.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(
        separator: ", ")
  }
}
