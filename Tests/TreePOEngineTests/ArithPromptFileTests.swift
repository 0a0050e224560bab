import Testing
import TreePOEngine

@Test func arithPromptFileReadsQuestionsPromptsAndGSM8KAnswers() throws {
  let text = """
    {"question": "Natalia sold 48 clips in April and half as many in May. How many in all?", \
    "answer": "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\\n#### 72"}

    {"question": "What is 2 + 2?", "answer": 4}
    {"prompt": "Q: 10 - 3 =", "answer": "7"}
    {"question": "Half of 5?", "answer": 2.5}
    {"question": "Big?", "answer": "1,000,000"}
    {"question": "Cold?", "answer": -4}
    """
  let qs = try ArithPromptFile.parse(text, path: "q.jsonl")
  #expect(qs.map(\.answer) == ["72", "4", "7", "2.5", "1000000", "-4"])
  #expect(qs.map(\.raw) == [false, false, true, false, false, false])
  #expect(qs[2].text == "Q: 10 - 3 =")
}

@Test(arguments: [
  ("not json", "q.jsonl line 2: not JSON"),
  ("[1, 2]", "q.jsonl line 2: expected a JSON object, found an array."),
  ("{\"answer\": 3}", "q.jsonl line 2: expected exactly one of \"question\" and \"prompt\"."),
  ("{\"question\": \"a\", \"prompt\": \"b\", \"answer\": 3}", "exactly one of"),
  (
    "{\"question\": 5, \"answer\": 3}",
    "q.jsonl line 2: \"question\" must be a string, found an integer."
  ),
  ("{\"question\": \"  \", \"answer\": 3}", "q.jsonl line 2: \"question\" is empty."),
  ("{\"question\": \"Why?\"}", "q.jsonl line 2: there is no \"answer\"."),
  ("{\"question\": \"Why?\", \"answer\": \"because\"}", "found \"because\")."),
  ("{\"question\": \"Why?\", \"answer\": \"#### many\"}", "ending \"#### <number>\""),
  ("{\"question\": \"Why?\", \"answer\": true}", "(found a boolean)."),
])
func arithPromptFileNamesTheBadLine(line: String, expected: String) {
  let text = "{\"question\": \"What is 1 + 1?\", \"answer\": 2}\n" + line + "\n"
  #expect {
    try ArithPromptFile.parse(text, path: "q.jsonl")
  } throws: { error in
    let d = String(describing: error)
    return d.contains(expected) && d.hasSuffix(".") && !d.contains("\n")
  }
}

@Test func arithPromptFileWithNoQuestionsIsOneSentence() {
  #expect(throws: ArithPromptFileError.self) { try ArithPromptFile.parse("\n\n", path: "e.jsonl") }
  do {
    _ = try ArithPromptFile.parse("  \n", path: "e.jsonl")
  } catch {
    #expect(error.description == "e.jsonl: there are no questions in it.")
  }
}
