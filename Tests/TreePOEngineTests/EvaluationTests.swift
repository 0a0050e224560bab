import Foundation
import Testing
import TreePOEngine

/// Answers from a script: greedy is correct on even problems and cut short (no `$`) on odd ones;
/// sample j of problem i is correct when j < i % 3, else it ends one step early (wrong target).
/// Entropies are set per token class so the report's class means are known exactly.
private final class ScriptedSampler: CompletionSampling {
  let tokenizer = CharTokenizer()
  var references: [String: (index: Int, reference: String)] = [:]
  var calls: [(count: Int, temperature: Float)] = []
  static let entropy: [CountdownTokenClass: Float] = [
    .firstOperand: 0.8, .operator: 0.6, .secondOperand: 0.7, .result: 0.02, .pool: 0.01,
    .punctuation: 0, .end: 0.1,
  ]

  func complete(
    _ prompts: [[Int]], count: Int, temperature: Float, maxTokens: Int, seed: UInt64
  ) throws -> [[SampledCompletion]] {
    calls.append((count, temperature))
    return prompts.map { prompt in
      let (i, reference) = references[tokenizer.decode(prompt)]!
      return (0..<count).map { j in
        var text = reference
        if temperature == 0 {
          if i % 2 == 1 { text.removeLast() }
        } else if j >= i % 3 {
          // Drop the last step: valid steps, `$` with two numbers left.
          let steps = reference.dropLast().split(separator: ")")
          text = steps.dropLast().map { $0 + ")" }.joined() + "$"
        }
        let tokens = try! tokenizer.encode(text)
        let entropies = CountdownTask.tokenClasses(of: text).map { Self.entropy[$0]! }
        return SampledCompletion(tokens: tokens, entropies: entropies)
      }
    }
  }
}

@Test func evaluatorCountsGreedyPassAndMeanAtK() throws {
  let task = CountdownTask()
  let sampler = ScriptedSampler()
  let config = EvaluationConfig(sizes: [3, 4], problemsPerSize: 12, samples: 4, seed: 7)
  for size in config.sizes {
    for i in 0..<config.problemsPerSize {
      let p = task.problem(split: .heldOut, index: i, size: size)
      sampler.references[p.prompt] = (i, p.reference)
    }
  }
  let report = try Evaluator(task: task, tokenizer: CharTokenizer(), sampler: sampler).run(config)
  #expect(sampler.calls.map(\.count) == [1, 4, 1, 4])
  #expect(sampler.calls.map(\.temperature) == [0, 1, 0, 1])
  #expect(report.bySize.map(\.size) == [3, 4])
  for r in report.bySize {
    #expect(r.greedyCorrect == 6 && r.greedyAccuracy == 0.5)
    #expect(r.greedyFailures == ["unfinished": 6])
    // i % 3 = 0,1,2 → 0,1,2 correct samples of 4: 4·(0+1+2) = 12 of 48; pass when i % 3 > 0.
    #expect(r.sampleCorrect == 12 && r.meanAtK == 0.25)
    #expect(r.passCount == 8)
    #expect(r.sampleFailures == ["wrong_target": 36])
  }
  for (cls, h) in ScriptedSampler.entropy {
    #expect(abs(report.entropyByClass[cls.rawValue]! - h) < 1e-6, "\(cls)")
  }
  // (The table and the JSON of `treepo eval` are the CLI's; see its end-to-end tests.)
  #expect(report.samples == 4)
  #expect(report.bySize.count == 2 && report.bySize[0].passAtK == 8.0 / 12)
  #expect(report.bySize[1].greedyFailures == ["unfinished": 6])
}

@Test func evaluatorWithoutSamplesIsGreedyOnly() throws {
  let task = CountdownTask()
  let sampler = ScriptedSampler()
  for i in 0..<5 {
    let p = task.problem(split: .heldOut, index: i, size: 5)
    sampler.references[p.prompt] = (i, p.reference)
  }
  let config = EvaluationConfig(sizes: [5], problemsPerSize: 5, samples: 0)
  let report = try Evaluator(task: task, tokenizer: CharTokenizer(), sampler: sampler).run(config)
  #expect(sampler.calls.count == 1)
  #expect(report.bySize[0].greedyCorrect == 3)
  #expect(report.entropyByClass.isEmpty)
  #expect(report.samples == 0 && report.bySize[0].samples == 0)
}
