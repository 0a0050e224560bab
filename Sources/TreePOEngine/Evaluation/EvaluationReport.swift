// The result of an evaluation: one row per problem size, plus entropies by token class. Codable;
// the CLI formats it (treepo's EvaluationReport+Table.swift).

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
  /// Problems whose every sample is correct: `passCount − allCorrectCount` problems are the mixed
  /// ones, where tree advantages have both right and wrong leaves to compare.
  public var allCorrectCount = 0
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
}
