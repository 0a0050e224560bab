import Testing
import TreePOEngine

private let task = ChainArithmeticTask()
private let examplePrompt = "3+7*4+9-2>"
private let exampleCompletion = "3+7=0 0*4=0 0+9=9 9-2=7$"

@Test func chainAcceptsTheIssueExample() throws {
  #expect(task.verify(prompt: examplePrompt, completion: exampleCompletion) == .correct)
  #expect(try ChainPrompt(parsing: examplePrompt).reference == exampleCompletion)
}

@Test func chainReferenceTracesAllVerify() {
  for size in ChainArithmeticTask.sizes {
    for split in Split.allCases {
      for index in 0..<200 {
        let p = task.problem(split: split, index: index, size: size)
        #expect(task.verify(prompt: p.prompt, completion: p.reference) == .correct, "\(p)")
        #expect(p.prompt.count == 2 * size && p.size == size)
      }
    }
  }
}

@Test(arguments: [
  ("3+7=0 0x4=0", FailureReason.format),
  ("3+7=0  0*4=0", .format),
  ("3+7=0 0*4=0 0+9=9 9-2=7 $", .format),
  ("3+7=0 0*4=0 0+9=9 9-2=7$ ", .format),
  ("4+7=1 1*4=4", .badOperand),  // the first number is 3
  ("3+7=0 1*4=4", .badOperand),  // the previous result is 0
  ("3-7=6 6*4=4", .badOperand),  // the prompt's operator is +
  ("3+8=1 1*4=4", .badOperand),  // the next number is 7
  ("3+7=1 1*4=4", .arith),
  ("3+7=0 0*4=0 0+9=9 9-2=8$", .arith),
  ("3+7=0 0*4=0$", .wrongTarget),
  ("$", .wrongTarget),
  ("", .unfinished),
  ("3+7=0 0*4=0 0+9=9 9-2=7", .unfinished),
  ("3+7=0 0*", .unfinished),
])
func chainReportsEachFailureReason(completion: String, reason: FailureReason) {
  #expect(task.verify(prompt: examplePrompt, completion: completion) == .wrong(reason))
}

@Test func chainPrefixesOfReferencesAreViable() {
  for size in ChainArithmeticTask.sizes {
    for index in 0..<30 {
      let p = task.problem(split: .train, index: index, size: size)
      let chars = Array(p.reference)
      for n in 0...chars.count {
        #expect(task.isViablePrefix(prompt: p.prompt, partial: String(chars[0..<n])))
      }
    }
  }
}

@Test(arguments: ["3+7=0 0x", "4", "3+7=1", "3+7=0 0*4=0$", "3-"])
func chainBrokenPrefixesAreNotViable(broken: String) {
  for tail in ["", "$", " 0*4=0 0+9=9 9-2=7$", "0+9=9 9-2=7$"] {
    #expect(!task.isViablePrefix(prompt: examplePrompt, partial: broken + tail))
    #expect(task.verify(prompt: examplePrompt, completion: broken + tail) != .correct)
  }
}

@Test func chainSplitsAreDisjointAndDeterministic() {
  for size in 3...4 {
    let train = Set((0..<1000).map { task.problem(split: .train, index: $0, size: size).prompt })
    let held = Set((0..<200).map { task.problem(split: .heldOut, index: $0, size: size).prompt })
    #expect(train.isDisjoint(with: held))
    #expect(held.count > 50)
  }
  for index in 0..<20 {
    #expect(
      task.problem(split: .heldOut, index: index, size: 5)
        == task.problem(split: .heldOut, index: index, size: 5))
  }
}

@Test func chainPromptErrorsNameTheText() {
  for bad in ["3+7*4", "3+7*>", "3/7>", "3>"] {
    #expect(throws: TaskInputError.malformedPrompt(task: "chain", text: bad)) {
      try ChainPrompt(parsing: bad)
    }
  }
  #expect(TaskCatalog.names.contains(task.name))
}
