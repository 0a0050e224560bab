// Chain arithmetic mod 10, the control task without choice points: evaluate the prompt left to
// right with a scratchpad. Prompt `3+7*4+9-2>`; completion `3+7=0 0*4=0 0+9=9 9-2=7$`: one step per
// operator, separated by a space, each starting from the previous result, then `$`. Every token is
// forced once the prompt is read, so tree sampling has nothing to branch on here.

public struct ChainArithmeticTask: ReasoningTask {
  public let name = "chain"
  /// Numbers per problem.
  public static let sizes: ClosedRange<Int> = 2...8

  public init() {}

  public func problem(split: Split, index: Int, size: Int) -> Problem {
    precondition(
      Self.sizes.contains(size), "A chain problem has 2 to 8 numbers; \(size) was asked for.")
    var attempt = 0
    while true {
      let seed = SplitHash.seed(
        task: name, split: split, index: index, size: size, attempt: attempt)
      var rng = SeededRandom(seed: seed)
      let numbers = (0..<size).map { _ in rng.nextInt(10) }
      let ops = (1..<size).map { _ in ModOperator.allCases[rng.nextInt(ModOperator.allCases.count)]
      }
      let prompt = ChainPrompt(numbers: numbers, ops: ops)
      if SplitHash.split(ofKey: prompt.text) == split {
        return Problem(prompt: prompt.text, reference: prompt.reference, size: size)
      }
      attempt += 1
    }
  }
}

/// The parsed prompt of a chain problem: n numbers and the n-1 operators between them.
public struct ChainPrompt: Sendable, Equatable {
  public var numbers: [Int]
  public var ops: [ModOperator]

  public init(numbers: [Int], ops: [ModOperator]) {
    precondition(ops.count == numbers.count - 1, "A chain has one operator fewer than numbers.")
    self.numbers = numbers
    self.ops = ops
  }

  /// `3+7*4+9-2>`
  public var text: String {
    var s = String(numbers[0])
    for (op, n) in zip(ops, numbers.dropFirst()) { s += "\(op.rawValue)\(n)" }
    return s + ">"
  }

  /// The running values after each step.
  public var partialResults: [Int] {
    var value = numbers[0]
    return zip(ops, numbers.dropFirst()).map { op, n in
      value = op.apply(value, n)
      return value
    }
  }

  /// `3+7=0 0*4=0 0+9=9 9-2=7$`
  public var reference: String {
    var left = numbers[0]
    var steps: [String] = []
    for (k, r) in partialResults.enumerated() {
      steps.append("\(left)\(ops[k].rawValue)\(numbers[k + 1])=\(r)")
      left = r
    }
    return steps.joined(separator: " ") + "$"
  }

  /// Parses `d op d op … d>`; a malformed prompt is one sentence naming the text.
  public init(parsing text: String) throws(TaskInputError) {
    let chars = Array(text)
    guard chars.count >= 4, chars.count % 2 == 0, chars.last == ">" else {
      throw .malformedPrompt(task: "chain", text: text)
    }
    var numbers: [Int] = []
    var ops: [ModOperator] = []
    for (k, c) in chars.dropLast().enumerated() {
      if k % 2 == 0, let d = c.digitValue {
        numbers.append(d)
      } else if k % 2 == 1, let op = ModOperator(rawValue: c) {
        ops.append(op)
      } else {
        throw .malformedPrompt(task: "chain", text: text)
      }
    }
    guard ChainArithmeticTask.sizes.contains(numbers.count) else {
      throw .malformedPrompt(task: "chain", text: text)
    }
    self.init(numbers: numbers, ops: ops)
  }
}
