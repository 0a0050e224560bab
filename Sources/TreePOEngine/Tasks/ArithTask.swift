// Natural-language arithmetic for real chat models: "What is 8 times 6?", "Tom has 6 apples. He
// buys 6 more. How many…". The reply is free text; it is right when its last number equals the
// answer and the model ended its turn. Levels (a Problem's size): 1 single-digit +, 2 single-digit
// − (non-negative), 3 single-digit ×, 4 two-digit +, 5 one-step word problems, 6 two-step word
// problems; several phrasings each. Questions from a file (`--prompt-file`) are level 0.

import Foundation

public struct ArithTask: ReasoningTask {
  public let name = "arith"
  /// The generated levels.
  public static let levels: ClosedRange<Int> = 1...6
  /// The levels drawn by default: chosen by measurement on SmolLM2-135M-Instruct so that most
  /// prompts are sometimes right and sometimes wrong at temperature 1 (docs/tasks.md).
  public static let defaultLevels: ClosedRange<Int> = 2...3
  /// The level of questions read from a file.
  public static let fileLevel = 0
  /// A step of a free-text reply is a line or a sentence (`tree_segment_boundary=step`).
  public var stepBoundary: StepBoundary { .lineOrSentence }

  /// The user's own questions (level 0, index = line order), with their answers.
  public let fileQuestions: [ArithQuestion]
  /// Prompt text (as sent, or the question inside a chat prompt) → normalised answer.
  let fileAnswers: [String: String]

  public init(fileQuestions: [ArithQuestion] = []) {
    self.fileQuestions = fileQuestions
    var answers: [String: String] = [:]
    for q in fileQuestions { answers[q.text] = q.answer }
    fileAnswers = answers
  }

  public func problem(split: Split, index: Int, size: Int) -> Problem {
    if size == Self.fileLevel {
      precondition(
        fileQuestions.indices.contains(index),
        "The prompt file has \(fileQuestions.count) questions; question \(index) was asked for.")
      let q = fileQuestions[index]
      return Problem(prompt: q.text, reference: "The answer is \(q.answer).", size: size)
    }
    precondition(Self.levels.contains(size), "An arith level is 1 to 6; \(size) was asked for.")
    let templates = ArithTemplates.levels[size - 1]
    var attempt = 0
    while true {
      let seed = SplitHash.seed(
        task: name, split: split, index: index, size: size, attempt: attempt)
      var rng = SeededRandom(seed: seed)
      let template = templates[rng.nextInt(templates.count)]
      let numbers = template.draw(&rng)
      let question = template.question(numbers)
      if SplitHash.split(ofKey: question) == split {
        return Problem(
          prompt: question, reference: "The answer is \(template.answer(numbers)).", size: size)
      }
      attempt += 1
    }
  }

  /// The answer to `prompt` (a question of this task, a file question, or either inside a chat
  /// prompt), normalised as `ArithNumber.normalize` writes it; nil for an unknown question.
  public func answer(to prompt: String) -> String? {
    if let a = fileAnswers[prompt] { return a }
    let question = Self.userTurn(of: prompt) ?? prompt
    if let a = fileAnswers[question] { return a }
    guard let (text, numbers) = ArithTemplates.skeleton(question),
      let template = ArithTemplates.byText[text]
    else { return nil }
    return String(template.answer(numbers))
  }

  /// The last user turn of a ChatML prompt, nil if `prompt` has none.
  static func userTurn(of prompt: String) -> String? {
    guard let start = prompt.range(of: "<|im_start|>user\n", options: .backwards) else {
      return nil
    }
    let rest = prompt[start.upperBound...]
    let end = rest.range(of: "<|im_end|>")?.lowerBound ?? rest.endIndex
    return String(rest[..<end])
  }
}

/// One question of a prompt file: the text sent to the model and its answer.
public struct ArithQuestion: Sendable, Equatable {
  /// What goes to the model: the question (through the chat template) or, when `raw`, the prompt
  /// as written.
  public var text: String
  /// The answer, normalised (`ArithNumber.normalize`).
  public var answer: String
  /// From a `"prompt"` field: sent as is, without the chat template.
  public var raw: Bool

  public init(text: String, answer: String, raw: Bool = false) {
    self.text = text
    self.answer = answer
    self.raw = raw
  }
}
