// A task the model learns: seeded problems, a reference completion, and a strict verifier.
// (Named ReasoningTask, not Task, to stay clear of Swift concurrency's Task.)

public enum FailureReason: String, Codable, Sendable, CaseIterable {
  /// The completion does not parse as the task's step format.
  case format
  /// An operand is not in the current pool of numbers.
  case badOperand = "bad_operand"
  /// A written result differs from the recomputed one.
  case arith
  /// The steps are valid but the final pool (or value) is not the target.
  case wrongTarget = "wrong_target"
  /// The completion ended (or was cut) before the answer terminator.
  case unfinished
  /// A free-text reply with no number in it (arith).
  case noNumber = "no_number"
  /// The reply's last number is not the answer (arith).
  case wrongNumber = "wrong_number"
  /// The length limit cut the reply before the model ended its turn (arith).
  case truncated
}

public struct Verdict: Sendable, Equatable {
  public var reward: Float
  public var failure: FailureReason?
  public init(reward: Float, failure: FailureReason?) {
    self.reward = reward
    self.failure = failure
  }
  public static let correct = Verdict(reward: 1, failure: nil)
  public static func wrong(_ reason: FailureReason) -> Verdict {
    Verdict(reward: 0, failure: reason)
  }
}

public enum Split: String, Sendable, CaseIterable {
  case train
  case heldOut = "held_out"
}

public struct Problem: Sendable, Equatable {
  /// The prompt text the model sees, e.g. `6 6 9 0 7>8:`.
  public var prompt: String
  /// One canonical correct completion, ending with the terminator `$`.
  public var reference: String
  /// Problem size used for per-size breakdowns (Countdown: how many numbers).
  public var size: Int
  public init(prompt: String, reference: String, size: Int) {
    self.prompt = prompt
    self.reference = reference
    self.size = size
  }
}

public protocol ReasoningTask: Sendable {
  /// Short name used in traces and configs, e.g. "countdown".
  var name: String { get }
  /// The problem at `index` of a split; the same (split, index, size) always gives the same problem,
  /// and no held-out problem ever appears in the training split.
  func problem(split: Split, index: Int, size: Int) -> Problem
  /// Strict verification of a completion (text after the prompt, up to and including `$`).
  func verify(prompt: String, completion: String) -> Verdict
  /// Whether a partial completion can still be extended into a correct one (prune rule).
  func isViablePrefix(prompt: String, partial: String) -> Bool
  /// Where a step ends (segments may end there); default `.none`.
  var stepBoundary: StepBoundary { get }
}

/// Where a task's reasoning steps end, so a segment can end with a step
/// (`tree_segment_boundary=step`): a token ends a step when its text ends with one of `endings`.
public struct StepBoundary: Sendable, Equatable {
  public var endings: [String]
  public init(endings: [String]) { self.endings = endings }
  /// No step boundary: segments keep their fixed length.
  public static let none = StepBoundary(endings: [])
  /// Text tasks: a step is a line or a sentence.
  public static let lineOrSentence = StepBoundary(endings: ["\n", ".", "!", "?"])

  /// The ids of `tokenizer` whose text ends a step.
  public func tokens(of tokenizer: any Tokenizer) -> Set<Int> {
    guard !endings.isEmpty else { return [] }
    var out: Set<Int> = []
    for id in 0..<tokenizer.vocabSize {
      let text = String(decoding: tokenizer.tokenBytes(id), as: UTF8.self)
      if endings.contains(where: { text.hasSuffix($0) }) { out.insert(id) }
    }
    return out
  }
}

extension ReasoningTask {
  /// Tasks that declare nothing have no step boundary.
  public var stepBoundary: StepBoundary { .none }
}
