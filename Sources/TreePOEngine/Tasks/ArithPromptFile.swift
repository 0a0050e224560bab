// The user's own arith questions (`--prompt-file FILE.jsonl`), one JSON object a line:
// `{"question": "…", "answer": …}` (the question goes through the model's chat template) or
// `{"prompt": "…", "answer": …}` (sent as written). The answer is a number, a string holding one,
// or GSM8K's worked solution ending `#### 42`. Blank lines are skipped; the first bad line stops
// the read with one sentence naming the file and the line.

import Foundation

public struct ArithPromptFileError: Error, Equatable, CustomStringConvertible {
  public let path: String
  public let line: Int
  public let reason: String
  /// Line 0: the file as a whole.
  public var description: String {
    line == 0 ? "\(path): \(reason)." : "\(path) line \(line): \(reason)."
  }
}

public enum ArithPromptFile {
  public static func parse(_ text: String, path: String) throws(ArithPromptFileError)
    -> [ArithQuestion]
  {
    var questions: [ArithQuestion] = []
    for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      func fail(_ reason: String) -> ArithPromptFileError {
        ArithPromptFileError(path: path, line: k + 1, reason: reason)
      }
      if line.allSatisfy(\.isWhitespace) { continue }
      let value: JSONValue
      do { value = try JSONValue.parse(String(line)) } catch {
        throw fail("not JSON (column \(error.column): \(error.reason))")
      }
      guard case .object = value else {
        throw fail("expected a JSON object, found \(value.typeName)")
      }
      let question = value["question"]
      let prompt = value["prompt"]
      guard (question == nil) != (prompt == nil) else {
        throw fail("expected exactly one of \"question\" and \"prompt\"")
      }
      let key = question == nil ? "prompt" : "question"
      guard case .string(let text) = question ?? prompt! else {
        throw fail("\"\(key)\" must be a string, found \((question ?? prompt!).typeName)")
      }
      guard !text.allSatisfy(\.isWhitespace) else { throw fail("\"\(key)\" is empty") }
      guard let answerValue = value["answer"] else { throw fail("there is no \"answer\"") }
      guard let answer = Self.answer(answerValue) else {
        throw fail(
          "the answer must be a number, or a solution ending \"#### <number>\" (found "
            + "\(Self.shown(answerValue)))")
      }
      questions.append(ArithQuestion(text: text, answer: answer, raw: prompt != nil))
    }
    guard !questions.isEmpty else {
      throw ArithPromptFileError(path: path, line: 0, reason: "there are no questions in it")
    }
    return questions
  }

  /// The normalised answer of an `answer` field.
  static func answer(_ value: JSONValue) -> String? {
    switch value {
    case .int(let n): return String(n)
    case .double(let x):
      guard x.isFinite else { return nil }
      return ArithNumber.parse(x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x))
    case .string(let s):
      if let mark = s.range(of: "####", options: .backwards) {
        return ArithNumber.parse(String(s[mark.upperBound...]))
      }
      return ArithNumber.parse(s)
    default: return nil
    }
  }

  static func shown(_ value: JSONValue) -> String {
    if case .string(let s) = value {
      return "\"" + (s.count > 40 ? String(s.prefix(40)) + "…" : s) + "\""
    }
    return value.typeName
  }
}
