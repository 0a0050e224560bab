// Held-out evaluation of a task: greedy accuracy, mean@k and pass@k per problem size with the
// failure reasons, and the mean sampling entropy by token class (Countdown: first operand, operator,
// second operand, result…), which shows whether the model is uncertain where the choices are.

public struct EvaluationConfig: Sendable, Equatable {
  /// Problem sizes to report (Countdown: numbers per problem).
  public var sizes: [Int]
  /// Held-out problems per size: indices 0..<problemsPerSize of the held-out split.
  public var problemsPerSize: Int
  /// Samples per problem for mean@k / pass@k and the entropies; 0 = greedy only.
  public var samples: Int
  public var temperature: Float
  /// Completion tokens at most (the model's context minus the prompt is a natural choice).
  public var maxTokens: Int
  public var seed: UInt64
  /// Greedy completions kept per size in the report, to see what the model writes.
  public var examples: Int

  public init(
    sizes: [Int] = [3, 4, 5, 6], problemsPerSize: Int = 200, samples: Int = 16,
    temperature: Float = 1, maxTokens: Int = 64, seed: UInt64 = 0, examples: Int = 0
  ) {
    self.examples = examples
    self.sizes = sizes
    self.problemsPerSize = problemsPerSize
    self.samples = samples
    self.temperature = temperature
    self.maxTokens = maxTokens
    self.seed = seed
  }
}

public struct Evaluator {
  public let task: any ReasoningTask
  public let tokenizer: any Tokenizer
  public let sampler: any CompletionSampling

  public init(task: any ReasoningTask, tokenizer: any Tokenizer, sampler: any CompletionSampling) {
    self.task = task
    self.tokenizer = tokenizer
    self.sampler = sampler
  }

  /// Runs the evaluation; `progress` hears (sizes done, sizes) after each size.
  public func run(
    _ config: EvaluationConfig, progress: ((Int, Int) -> Void)? = nil
  ) throws -> EvaluationReport {
    var report = EvaluationReport(
      task: task.name, samples: config.samples, temperature: config.temperature, bySize: [],
      entropyByClass: [:], tokensByClass: [:])
    var entropySums: [String: Double] = [:]
    for (s, size) in config.sizes.enumerated() {
      let problems = (0..<config.problemsPerSize).map {
        task.problem(split: .heldOut, index: $0, size: size)
      }
      let prompts = try problems.map { try tokenizer.encode($0.prompt) }
      let seed = config.seed &+ UInt64(s) &* 0x9E37_79B9
      let greedy = try sampler.complete(
        prompts, count: 1, temperature: 0, maxTokens: config.maxTokens, seed: seed)
      var result = SizeResult(size: size, problems: problems.count, samples: config.samples)
      for (problem, completions) in zip(problems, greedy) {
        let verdict = verify(problem, completions[0])
        if result.greedyExamples.count < config.examples {
          let outcome = verdict.failure?.rawValue ?? "ok"
          result.greedyExamples.append("\(problem.prompt)\(text(completions[0]))  [\(outcome)]")
        }
        result.greedyCorrect += verdict.reward > 0 ? 1 : 0
        if let f = verdict.failure { result.greedyFailures[f.rawValue, default: 0] += 1 }
      }
      if config.samples > 0 {
        let sampled = try sampler.complete(
          prompts, count: config.samples, temperature: config.temperature,
          maxTokens: config.maxTokens, seed: seed &+ 1)
        for (problem, completions) in zip(problems, sampled) {
          var any = false
          var all = true
          for c in completions {
            let verdict = verify(problem, c)
            result.sampleCorrect += verdict.reward > 0 ? 1 : 0
            any = any || verdict.reward > 0
            all = all && verdict.reward > 0
            if let f = verdict.failure { result.sampleFailures[f.rawValue, default: 0] += 1 }
            result.sampleTokens += c.tokens.count
            accumulateEntropy(c, sums: &entropySums, counts: &report.tokensByClass)
          }
          result.passCount += any ? 1 : 0
          result.allCorrectCount += all ? 1 : 0
        }
      }
      report.bySize.append(result)
      progress?(s + 1, config.sizes.count)
    }
    for (cls, sum) in entropySums {
      report.entropyByClass[cls] = Float(sum / Double(report.tokensByClass[cls] ?? 1))
    }
    return report
  }

  func text(_ completion: SampledCompletion) -> String {
    tokenizer.decode(completion.tokens)
  }

  private func verify(_ problem: Problem, _ completion: SampledCompletion) -> Verdict {
    task.verify(prompt: problem.prompt, completion: text(completion))
  }

  /// Adds each sampled token's entropy to its class (one character per token).
  private func accumulateEntropy(
    _ c: SampledCompletion, sums: inout [String: Double], counts: inout [String: Int]
  ) {
    let chars = c.tokens.map { t -> Character in tokenizer.decode([t]).first ?? "?" }
    let classes: [String]
    if task.name == "countdown" {
      classes = CountdownTask.tokenClasses(of: String(chars)).map(\.rawValue)
    } else {
      classes = Array(repeating: "all", count: chars.count)
    }
    for (cls, h) in zip(classes, c.entropies) {
      sums[cls, default: 0] += Double(h)
      counts[cls, default: 0] += 1
    }
  }
}
