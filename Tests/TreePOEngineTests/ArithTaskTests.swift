import Testing
import TreePOEngine

private let task = ArithTask()
private let chat = ChatTemplate.chatML(defaultSystem: "You are a helpful AI assistant.")

@Test func arithProblemsAreDeterministicAndLevelled() {
  for level in ArithTask.levels {
    for index in 0..<50 {
      let a = task.problem(split: .train, index: index, size: level)
      #expect(a == ArithTask().problem(split: .train, index: index, size: level))
      #expect(a.size == level)
      #expect(a.prompt.hasSuffix("?") || a.prompt.hasSuffix("."), "\(a.prompt)")
    }
  }
  #expect(task.problem(split: .heldOut, index: 0, size: 1).prompt != "")
}

@Test func arithSplitsAreDisjointAndVaried() {
  for level in ArithTask.levels {
    let train = Set((0..<400).map { task.problem(split: .train, index: $0, size: level).prompt })
    let held = Set((0..<100).map { task.problem(split: .heldOut, index: $0, size: level).prompt })
    #expect(train.isDisjoint(with: held), "level \(level)")
    // Single digits give ~50 held-out questions (4 phrasings × 100 pairs / 8); the others more.
    #expect(held.count >= (level <= 3 ? 25 : 60), "level \(level): \(held.count)")
  }
}

@Test func arithReferencesVerifyAsFinishedReplies() {
  for level in ArithTask.levels {
    for index in 0..<100 {
      let p = task.problem(split: .heldOut, index: index, size: level)
      let answer = Int(p.reference.split(separator: " ").last!.dropLast())!
      #expect(answer >= 0, "\(p.prompt) → \(answer)")
      #expect(task.verify(prompt: p.prompt, completion: p.reference + "<|im_end|>") == .correct)
      // Through the chat template, as the model sees it.
      let prompt = chat.prompt(user: p.prompt)
      #expect(task.verify(prompt: prompt, completion: p.reference + "<|im_end|>") == .correct)
    }
  }
}

@Test(arguments: [
  ("The answer is 48.<|im_end|>", nil),
  ("8 times 6 is 48<|endoftext|>", nil),
  ("48<|im_end|><|endoftext|>", nil),
  ("8 × 6 = 48, then 2 more is 50.<|im_end|>", FailureReason.wrongNumber),
  ("Forty-eight.<|im_end|>", .noNumber),
  ("The answer is 48.", .truncated),
  ("The answer is", .truncated),
  ("", .truncated),
])
func arithVerdicts(reply: String, reason: FailureReason?) {
  let verdict = task.verify(prompt: "What is 8 times 6?", completion: reply)
  #expect(verdict == (reason.map { .wrong($0) } ?? .correct), "\(reply)")
}

@Test func arithWordProblemsAreRecomputedFromTheQuestion() {
  let q =
    "Ben reads 5 pages on Monday and 7 pages on Tuesday. His book has 30 pages. "
    + "How many pages does he still have to read?"
  #expect(task.answer(to: q) == "18")
  #expect(task.answer(to: "Subtract 3 from 9.") == "6")
  #expect(task.answer(to: "What is 9 divided by 3?") == nil)
  #expect(
    task.verify(prompt: "What is 9 divided by 3?", completion: "3<|im_end|>") == .wrong(.format))
}

@Test func arithFileQuestionsAreLevelZeroAndCarryTheirAnswers() {
  let file = ArithTask(fileQuestions: [
    ArithQuestion(text: "How many legs do 3 spiders have?", answer: "24"),
    ArithQuestion(text: "Q: 2+2=?\nA:", answer: "4", raw: true),
  ])
  let p = file.problem(split: .heldOut, index: 0, size: ArithTask.fileLevel)
  #expect(p.prompt == "How many legs do 3 spiders have?" && p.size == 0)
  #expect(file.verify(prompt: chat.prompt(user: p.prompt), completion: "24<|im_end|>") == .correct)
  #expect(file.verify(prompt: "Q: 2+2=?\nA:", completion: " 4<|endoftext|>") == .correct)
  #expect(
    file.verify(prompt: "Q: 2+2=?\nA:", completion: " 5<|endoftext|>") == .wrong(.wrongNumber))
  // Generated questions still verify on a task that also holds file questions.
  #expect(file.verify(prompt: "What is 2 + 3?", completion: "5<|im_end|>") == .correct)
}

@Test func arithIsInTheCatalogue() throws {
  #expect(TaskCatalog.names.contains("arith"))
  #expect(try TaskCatalog.task(named: "arith").name == "arith")
}
