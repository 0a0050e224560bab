// Countdown mod 10: combine all the numbers with + - * (mod 10), two at a time, until only the
// target is left. Prompt `6 6 9 0 7>8:`; completion:
// `9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)$`:
// each step is `a op b=c` followed by the whole pool after the step (the result included), sorted;
// the chain ends when one number — the target — is left, then `$`. `+` and `*` are written larger
// operand first. Problems are made by a random forward chain, so each has at least one solution.

public struct CountdownTask: ReasoningTask {
  public let name = "countdown"
  /// Numbers per problem that the generator makes and the prompt format allows.
  public static let sizes: ClosedRange<Int> = 2...6

  public init() {}

  /// A step `a op b=c(pool)` ends with its pool's `)`.
  public var stepBoundary: StepBoundary { StepBoundary(endings: [")"]) }

  public func problem(split: Split, index: Int, size: Int) -> Problem {
    precondition(
      Self.sizes.contains(size), "A Countdown problem has 2 to 6 numbers; \(size) was asked for.")
    var attempt = 0
    while true {
      let seed = SplitHash.seed(
        task: name, split: split, index: index, size: size, attempt: attempt)
      var rng = SeededRandom(seed: seed)
      let (prompt, steps) = Self.randomChain(size: size, using: &rng)
      if SplitHash.split(ofKey: prompt.canonicalKey) == split {
        return Problem(
          prompt: prompt.text, reference: steps.map(\.text).joined() + "$", size: size)
      }
      attempt += 1
    }
  }

  /// A random forward chain: `size` random digits, then repeatedly two random pool entries and a
  /// random operator; the last number left is the target.
  static func randomChain(size: Int, using rng: inout SeededRandom) -> (
    CountdownPrompt, [CountdownStep]
  ) {
    let numbers = (0..<size).map { _ in rng.nextInt(10) }
    var pool = numbers
    var steps: [CountdownStep] = []
    while pool.count > 1 {
      let i = rng.nextInt(pool.count)
      var j = rng.nextInt(pool.count - 1)
      if j >= i { j += 1 }
      let op = ModOperator.allCases[rng.nextInt(ModOperator.allCases.count)]
      var (a, b) = (pool[i], pool[j])
      if op.isCommutative && a < b { swap(&a, &b) }
      let result = op.apply(a, b)
      pool.remove(at: max(i, j))
      pool.remove(at: min(i, j))
      pool.append(result)
      steps.append(CountdownStep(a: a, op: op, b: b, result: result, pool: pool.sorted()))
    }
    return (CountdownPrompt(numbers: numbers, target: pool[0]), steps)
  }
}

/// The parsed prompt of a Countdown problem.
public struct CountdownPrompt: Sendable, Equatable {
  public var numbers: [Int]
  public var target: Int

  public init(numbers: [Int], target: Int) {
    self.numbers = numbers
    self.target = target
  }

  /// `6 6 9 0 7>8:`
  public var text: String { numbers.map(String.init).joined(separator: " ") + ">\(target):" }

  /// The problem up to the order of its numbers: what decides the split.
  var canonicalKey: String { numbers.sorted().map(String.init).joined() + ">\(target)" }

  /// Parses `d d … d>t:`; a malformed prompt is one sentence naming the text.
  public init(parsing text: String) throws(TaskInputError) {
    let chars = Array(text)
    guard chars.count >= 4, chars[chars.count - 1] == ":", chars[chars.count - 3] == ">",
      let target = chars[chars.count - 2].digitValue
    else { throw .malformedPrompt(task: "countdown", text: text) }
    var numbers: [Int] = []
    for (k, c) in chars[0..<(chars.count - 3)].enumerated() {
      if k % 2 == 0, let d = c.digitValue {
        numbers.append(d)
      } else if k % 2 == 1, c == " " {
        continue
      } else {
        throw .malformedPrompt(task: "countdown", text: text)
      }
    }
    guard chars.count % 2 == 0, CountdownTask.sizes.contains(numbers.count) else {
      throw .malformedPrompt(task: "countdown", text: text)
    }
    self.init(numbers: numbers, target: target)
  }
}

/// One step of a Countdown completion: `a op b=result(pool)`.
public struct CountdownStep: Sendable, Equatable {
  public var a: Int
  public var op: ModOperator
  public var b: Int
  public var result: Int
  /// The pool after the step, result included, sorted.
  public var pool: [Int]

  public var text: String {
    "\(a)\(op.rawValue)\(b)=\(result)(" + pool.map(String.init).joined(separator: " ") + ")"
  }
}

public enum TaskInputError: Error, Equatable, CustomStringConvertible {
  case malformedPrompt(task: String, text: String)
  case unknownTask(String)

  public var description: String {
    switch self {
    case .malformedPrompt(let task, let text):
      "\"\(text)\" is not a \(task) prompt (expected e.g. "
        + (task == "countdown" ? "\"6 6 9 0 7>8:\")." : "\"3+7*4+9-2>\").")
    case .unknownTask(let name):
      "There is no task named \"\(name)\" (known: \(TaskCatalog.names.joined(separator: ", ")))."
    }
  }
}
