// The result of an evaluation: one row per problem size, plus entropies by token class. Codable
// for `treepo eval --json`; `table` is the human view.

import Foundation

public struct SizeResult: Codable, Sendable, Equatable {
  public var size: Int
  public var problems: Int
  public var samples: Int
  public var greedyCorrect = 0
  public var greedyFailures: [String: Int] = [:]
  /// Correct samples out of problems × samples.
  public var sampleCorrect = 0
  /// Problems with at least one correct sample.
  public var passCount = 0
  public var sampleFailures: [String: Int] = [:]
  public var sampleTokens = 0
  /// The first few greedy completions: prompt, completion and verdict (`ok` or the reason).
  public var greedyExamples: [String] = []

  public init(size: Int, problems: Int, samples: Int) {
    self.size = size
    self.problems = problems
    self.samples = samples
  }

  public var greedyAccuracy: Double { Double(greedyCorrect) / Double(max(problems, 1)) }
  /// Mean reward over all samples (mean@k).
  public var meanAtK: Double { Double(sampleCorrect) / Double(max(problems * samples, 1)) }
  /// Fraction of problems with a correct sample among k (pass@k, k = samples).
  public var passAtK: Double { Double(passCount) / Double(max(problems, 1)) }
}

public struct EvaluationReport: Codable, Sendable, Equatable {
  public var task: String
  public var samples: Int
  public var temperature: Float
  public var bySize: [SizeResult]
  /// Mean entropy (nats) of the sampling distribution per token class, over all samples.
  public var entropyByClass: [String: Float]
  public var tokensByClass: [String: Int]

  public init(
    task: String, samples: Int, temperature: Float, bySize: [SizeResult],
    entropyByClass: [String: Float], tokensByClass: [String: Int]
  ) {
    self.task = task
    self.samples = samples
    self.temperature = temperature
    self.bySize = bySize
    self.entropyByClass = entropyByClass
    self.tokensByClass = tokensByClass
  }

  public func json() -> String {
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
  public var table: String {
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
