import Testing
import TreePOEngine

// Hand-written replies and the last number a reader would take from each (nil: none).
private let replies: [(String, String?)] = [
  ("12", "12"),
  ("The answer is 12.", "12"),
  ("the answer is 12", "12"),
  ("3 + 4 = 7", "7"),
  ("3 + 4 = 7.", "7"),
  ("So 3 + 4 equals 7. Hope this helps!", "7"),
  ("7 apples", "7"),
  ("He has 12 apples now.", "12"),
  ("1,234", "1234"),
  ("The total is 1,234,567.", "1234567"),
  ("It costs $1,000.", "1000"),
  ("1,23", "23"),
  ("3, 4, 5", "5"),
  ("Numbers: 3,4", "4"),
  ("-5", "-5"),
  ("The result is -5.", "-5"),
  ("3 - 8 = -5", "-5"),
  ("3-8", "8"),
  ("x-2", "2"),
  ("(4)-2", "2"),
  ("minus: −7", "-7"),
  ("+9", "9"),
  ("12.5", "12.5"),
  ("It is 12.50 dollars", "12.5"),
  ("12.0", "12"),
  ("0.5", "0.5"),
  (".5", "5"),
  ("3.", "3"),
  ("Version 1.2.3", "3"),  // "1.2" then ".3"
  ("-0", "0"),
  ("007", "7"),
  ("000", "0"),
  ("No idea.", nil),
  ("", nil),
  ("I cannot answer that.", nil),
  ("seven", nil),
  ("- 5", "5"),
  ("5 - 3 = 2, so the answer is 2!", "2"),
  ("**42**", "42"),
  ("\\boxed{42}", "42"),
  ("Answer: 42\n", "42"),
  ("Step 1: 6 * 7 = 42\nStep 2: done", "2"),
  ("6 × 7 = 42", "42"),
  ("6x7=42", "42"),
  ("42nd", "42"),
  ("The 3rd answer is 9", "9"),
  ("10,000 and 20", "20"),
  ("between 5 and 10.", "10"),
  ("1,2345", "2345"),
  ("12,345.67", "12345.67"),
  ("We get 18. Then 18 - 3 = 15.", "15"),
  ("(-3)", "-3"),
  ("[-3]", "-3"),
  ("a-3", "3"),
  ("2-(-3)", "-3"),
  ("٣", nil),  // an Arabic-Indic digit is not read as a number
]

@Test func arithReadsTheLastNumberOfHandWrittenReplies() {
  #expect(replies.count >= 50)
  for (reply, expected) in replies {
    #expect(ArithNumber.numbers(in: reply).last == expected, "reply \"\(reply)\"")
  }
}

@Test func arithReadsEveryNumberInOrder() {
  #expect(
    ArithNumber.numbers(in: "Tom has 6 apples, buys 1,200 more and eats -3.50") == [
      "6", "1200", "-3.5",
    ])
}

@Test(arguments: [
  ("42", "42"), (" 42 ", "42"), ("42.", "42"), ("-1,234", "-1234"), ("3.50", "3.5"),
  ("+7", "7"),
])
func arithParsesAnswerFields(text: String, expected: String) {
  #expect(ArithNumber.parse(text) == expected)
}

@Test(arguments: ["", "forty-two", "42 apples", "about 42", "1,23", "4 2", "42..", "#"])
func arithRefusesAnswerFieldsThatAreNotOneNumber(text: String) {
  #expect(ArithNumber.parse(text) == nil)
}
