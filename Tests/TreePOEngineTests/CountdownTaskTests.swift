import Testing
import TreePOEngine

// The DESIGN.md example: pools show every number left after the step (the result included), sorted.
private let examplePrompt = "6 6 9 0 7>8:"
private let exampleCompletion = "9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)$"
private let task = CountdownTask()

@Test func countdownAcceptsTheDesignExample() {
  #expect(task.verify(prompt: examplePrompt, completion: exampleCompletion) == .correct)
}

@Test func countdownReferenceTracesAllVerify() {
  for size in CountdownTask.sizes {
    for split in Split.allCases {
      for index in 0..<300 {
        let p = task.problem(split: split, index: index, size: size)
        let verdict = task.verify(prompt: p.prompt, completion: p.reference)
        #expect(verdict == .correct, "\(split) \(index) \(size): \(p.prompt)\(p.reference)")
        #expect(p.size == size)
      }
    }
  }
}

@Test func countdownReferenceHasTheCanonicalShape() throws {
  for index in 0..<100 {
    let p = task.problem(split: .train, index: index, size: 5)
    let prompt = try CountdownPrompt(parsing: p.prompt)
    #expect(prompt.numbers.count == 5 && prompt.text == p.prompt)
    // n-1 steps; the pool after step k holds n-k numbers, sorted; the last one is (target).
    let steps = p.reference.dropLast().split(separator: ")").map { String($0) }
    #expect(steps.count == 4)
    for (k, step) in steps.enumerated() {
      let parts = step.split(separator: "(", omittingEmptySubsequences: false)
      #expect(parts.count == 2 && parts[0].count == 5)
      let pool = parts[1].split(separator: " ").map { Int($0)! }
      #expect(pool.count == 4 - k && pool == pool.sorted())
      let chars = Array(parts[0])
      if chars[1] != "-" { #expect(chars[0] >= chars[2], "larger operand first in \(step)") }
    }
    #expect(steps.last!.hasSuffix("(\(prompt.target)"))
    #expect(p.reference.last == "$")
  }
}

@Test(arguments: [
  ("9x6=4(0 4 6 7)", FailureReason.format),  // not an operator
  ("6*9=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)$", .format),  // * written smaller operand first
  ("9*6=4(0 6 4 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)$", .format),  // unsorted pool
  ("9*6=4 (0 4 6 7)", .format),  // stray space
  ("9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)$$", .format),  // text after the terminator
  ("9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)\n$", .format),
  ("8*6=8(0 6 7 8)", .badOperand),  // 8 is not in the pool
  ("9*9=1(0 1 6 6 7)", .badOperand),  // only one 9
  ("9*6=4(0 4 6 7)9+0=9(4 6 7)", .badOperand),  // 9 was used up
  ("9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)8+8=6(6)$", .badOperand),  // one number left
  ("9*6=5(0 5 6 7)6+0=6(5 6 7)", .arith),  // 9*6 = 4 mod 10
  ("9-6=7(0 6 7 7)", .arith),  // 9-6 = 3
  ("9*6=4(0 4 6 8)6+0=6(4 6 8)7*6=2(2 4)4*2=8(8)$", .arith),  // the pool lost 7, gained 8
  ("9*6=4(0 4 6)", .arith),  // the pool misses a number
  ("9*6=4(0 4 6 7 7)", .arith),  // the pool has an extra number
  ("9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4+2=6(6)$", .wrongTarget),  // valid steps, ends at 6
  ("9*6=4(0 4 6 7)$", .wrongTarget),  // stops with four numbers left
  ("$", .wrongTarget),
  ("", .unfinished),
  ("9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4*2=8(8)", .unfinished),  // no terminator
  ("9*6=4(0 4", .unfinished),
])
func countdownReportsEachFailureReason(completion: String, reason: FailureReason) {
  #expect(task.verify(prompt: examplePrompt, completion: completion) == .wrong(reason))
}

@Test func countdownPrefixesOfReferencesAreViable() {
  for size in CountdownTask.sizes {
    for index in 0..<40 {
      let p = task.problem(split: .train, index: index, size: size)
      let chars = Array(p.reference)
      for n in 0...chars.count {
        let partial = String(chars[0..<n])
        #expect(task.isViablePrefix(prompt: p.prompt, partial: partial), "\(p.prompt)\(partial)")
      }
    }
  }
}

@Test(arguments: [
  "9x",  // format
  "6*9",  // smaller operand first
  "8",  // 8 is not in the pool
  "9*6=5",  // arithmetic
  "9*6=4(0 4 6 8",  // wrong pool
  "9*6=4(0 4 6 7)6+0=6(4 6 7)7*6=2(2 4)4+2=6(6)",  // one number left, not the target
  "9*6=4(0 4 6 7)$",  // terminated early
])
func countdownBrokenPrefixesAreNotViable(broken: String) {
  #expect(!task.isViablePrefix(prompt: examplePrompt, partial: broken))
  // Nothing appended can repair it.
  for tail in ["", "$", "6", "+", "(8)$", "7*6=2(2 4)4*2=8(8)$"] {
    #expect(!task.isViablePrefix(prompt: examplePrompt, partial: broken + tail))
    #expect(task.verify(prompt: examplePrompt, completion: broken + tail) != .correct)
  }
}

@Test func countdownSplitsAreDisjoint() throws {
  func key(_ p: Problem) throws -> String {
    let parsed = try CountdownPrompt(parsing: p.prompt)
    return "\(parsed.numbers.sorted())>\(parsed.target)"
  }
  for size in 3...5 {
    let train = try Set(
      (0..<1500).map { try key(task.problem(split: .train, index: $0, size: size)) })
    let held = try Set(
      (0..<300).map { try key(task.problem(split: .heldOut, index: $0, size: size)) })
    #expect(train.isDisjoint(with: held), "size \(size)")
    #expect(held.count > 50, "the held-out set of size \(size) has only \(held.count) problems")
  }
}

@Test func countdownProblemsAreDeterministic() {
  var prompts = Set<String>()
  for index in 0..<50 {
    let a = task.problem(split: .heldOut, index: index, size: 4)
    #expect(a == task.problem(split: .heldOut, index: index, size: 4))
    prompts.insert(a.prompt)
  }
  #expect(prompts.count > 40)  // and indices give different problems
  let mixed = (0..<200).map { task.problem(split: .train, index: $0, sizes: 3...6).size }
  #expect(Set(mixed) == [3, 4, 5, 6])
  #expect(mixed == (0..<200).map { task.problem(split: .train, index: $0, sizes: 3...6).size })
}

@Test func countdownPromptErrorsNameTheText() {
  for bad in ["6 6 9>8", "66 9>8:", "6 6 a>8:", ">8:", "1 2 3 4 5 6 7>8:"] {
    #expect(throws: TaskInputError.malformedPrompt(task: "countdown", text: bad)) {
      try CountdownPrompt(parsing: bad)
    }
    #expect(task.verify(prompt: bad, completion: "$") == .wrong(.format))
  }
  let message = "\(TaskInputError.malformedPrompt(task: "countdown", text: "6 6 9>8"))"
  #expect(message.contains("\"6 6 9>8\""))
  #expect(throws: TaskInputError.unknownTask("sudoku")) { try TaskCatalog.task(named: "sudoku") }
}

@Test func countdownTokenClassesFollowTheStepGrammar() {
  let classes = CountdownTask.tokenClasses(of: "9*6=4(0 4 6 7)4*2=8(8)$")
  let code = classes.map { c -> Character in
    switch c {
    case .firstOperand: "a"
    case .operator: "o"
    case .secondOperand: "b"
    case .result: "r"
    case .pool: "p"
    case .punctuation: "."
    case .end: "$"
    }
  }
  #expect(String(code) == "aob.r.ppppppp.aob.r.p.$")
}

@Test func countdownProblemsArePinned() {
  // Pinned so that a change to the generator (which would silently change the held-out set) fails
  // here; bench/peers/torch_countdown.py --check prints the same problems from its Python port.
  let expected = [
    (Split.train, 0, "7 0 3 1>4:", "3+1=4(0 4 7)7*0=0(0 4)4+0=4(4)$"),
    (.train, 2, "8 0 4 7>9:", "7+4=1(0 1 8)1+0=1(1 8)8+1=9(9)$"),
    (.heldOut, 1, "3 7 2 7>1:", "7+7=4(2 3 4)4*2=8(3 8)8+3=1(1)$"),
  ]
  for (split, index, prompt, reference) in expected {
    let p = task.problem(split: split, index: index, size: 4)
    #expect(p.prompt == prompt && p.reference == reference, "\(split) \(index)")
  }
}
