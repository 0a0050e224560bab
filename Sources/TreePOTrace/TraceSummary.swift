import Foundation

/// What a trace holds, counted in one streaming pass, and whether it is valid: the numbers
/// `treepo inspect` prints. Problems are the reader's sentences (file and line), collected without
/// stopping (`TraceReader(strict: false)`).
public struct TraceSummary: Sendable, Equatable {
  public var path: String
  /// Nil when the file is not a readable trace at all (then `problems` says why).
  public var header: TraceHeader?
  public var events = 0
  public var lines = 0
  public var rollouts = 0
  public var trainSteps = 0
  public var prompts = 0
  public var nodes = 0
  /// Ended paths by outcome ("finished", "stopped", "truncated", "pruned").
  public var outcomes: [String: Int] = [:]
  public var rewardedPaths = 0
  public var rewardSum = 0.0
  public var problems: [String] = []
  /// All problems, when more than `problems` keeps.
  public var problemCount = 0
  public var warnings: [String] = []

  public var rewardMean: Double? { rewardedPaths > 0 ? rewardSum / Double(rewardedPaths) : nil }
  public var isValid: Bool { header != nil && problemCount == 0 }

  public init(path: String) { self.path = path }

  /// Reads the whole file; never throws (an unreadable file is a summary with one problem).
  public static func of(_ url: URL) -> TraceSummary {
    var s = TraceSummary(path: url.path)
    do {
      var reader = try TraceReader(url: url, strict: false)
      s.header = reader.header
      while let event = try reader.next() { s.count(event) }
      s.lines = reader.lineNumber
      s.problems = reader.problems
      s.problemCount = reader.problemCount
      s.warnings = reader.warnings
      if let skipped = reader.skippedSummary { s.warnings.append(skipped) }
    } catch {
      s.problems.append("\(error)")
      s.problemCount += 1
    }
    return s
  }

  mutating func count(_ event: TreeEvent) {
    events += 1
    switch event {
    case .rolloutStarted(let e):
      rollouts += 1
      prompts += e.prompts.count
    case .nodeSpawned: nodes += 1
    case .nodeEnded(let e):
      outcomes[e.outcome.rawValue, default: 0] += 1
      if let r = e.reward, r.isFinite {
        rewardedPaths += 1
        rewardSum += Double(r)
      }
    case .trainStep: trainSteps += 1
    default: break
    }
  }

  /// Sums summaries (a folder of step files).
  public mutating func add(_ other: TraceSummary) {
    events += other.events
    lines += other.lines
    rollouts += other.rollouts
    trainSteps += other.trainSteps
    prompts += other.prompts
    nodes += other.nodes
    outcomes.merge(other.outcomes, uniquingKeysWith: +)
    rewardedPaths += other.rewardedPaths
    rewardSum += other.rewardSum
    problems += other.problems
    problemCount += other.problemCount
    warnings += other.warnings
  }

  /// As a JSON object (for `--json`).
  public var json: JSONValue {
    var members: [(String, JSONValue)] = [
      ("path", .string(path)), ("valid", .bool(isValid)),
    ]
    if let header {
      members += [
        ("model", .string(header.model)), ("task", .string(header.task)),
        ("version", .int(header.version)),
      ]
    }
    members += [
      ("lines", .int(lines)), ("events", .int(events)), ("rollouts", .int(rollouts)),
      ("train_steps", .int(trainSteps)), ("prompts", .int(prompts)), ("nodes", .int(nodes)),
      (
        "paths",
        .object(NodeOutcome.allCases.map { ($0.rawValue, .int(outcomes[$0.rawValue] ?? 0)) })
      ),
      ("rewarded_paths", .int(rewardedPaths)),
      ("reward_mean", rewardMean.map { .double($0) } ?? .null),
      ("problem_count", .int(problemCount)),
      ("problems", .array(problems.map { .string($0) })),
      ("warnings", .array(warnings.map { .string($0) })),
    ]
    return .object(members)
  }
}
