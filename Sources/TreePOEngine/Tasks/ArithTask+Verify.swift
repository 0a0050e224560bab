// The arith verifier: the reply is right when the model ended its turn and the last number in it
// equals the answer. Reasons: `truncated` (no end-of-turn or end-of-text marker at the end: the
// length limit cut it), `no_number`, `wrong_number`; `format` only for a prompt that is not a
// question of the task. Numbers are read as people write them: an optional sign, digits with
// optional thousands commas, an optional decimal part; a trailing `.` ends the sentence.

import Foundation

extension ArithTask {
  /// Texts that end a turn when the tokenizer decodes the stop token (ChatML, Llama, GPT-2).
  static let endMarkers = ["<|im_end|>", "<|endoftext|>", "<|eot_id|>", "</s>"]

  public func verify(prompt: String, completion: String) -> Verdict {
    guard let answer = answer(to: prompt) else { return .wrong(.format) }
    var reply = Substring(completion)
    var ended = false
    while let marker = Self.endMarkers.first(where: { reply.hasSuffix($0) }) {
      reply = reply.dropLast(marker.count)
      ended = true
    }
    guard ended else { return .wrong(.truncated) }
    guard let last = ArithNumber.numbers(in: reply).last else { return .wrong(.noNumber) }
    return last == answer ? .correct : .wrong(.wrongNumber)
  }

  /// Free text can always still end with the right number.
  public func isViablePrefix(prompt: String, partial: String) -> Bool { true }
}

public enum ArithNumber {
  /// Every number in `text`, in order, normalised: `-1,234.50` → `-1234.5`, `007` → `7`.
  /// A `-`, `−` or `+` right before the digits is a sign unless a letter, digit or closing bracket
  /// comes before it (`3-5` is 3 and 5); a comma belongs to the number only before exactly three
  /// digits (`1,234`, not `3, 4` or `1,23`); a `.` only before a digit.
  public static func numbers<S: StringProtocol>(in text: S) -> [String] {
    let c = Array(text.unicodeScalars)
    func isDigit(_ i: Int) -> Bool { i >= 0 && i < c.count && (48...57).contains(c[i].value) }
    var out: [String] = []
    var i = 0
    while i < c.count {
      guard isDigit(i) else {
        i += 1
        continue
      }
      var negative = false
      if i > 0, "-−+".unicodeScalars.contains(c[i - 1]) {
        let before = i - 2 >= 0 ? c[i - 2] : " "
        let attached =
          before.properties.isAlphabetic || isDigit(i - 2) || ")]".unicodeScalars.contains(before)
        negative = !attached && c[i - 1] != "+"
      }
      var whole = ""
      while true {
        while isDigit(i) {
          whole.unicodeScalars.append(c[i])
          i += 1
        }
        // `,ddd` not followed by another digit continues the number.
        if i < c.count, c[i] == ",", isDigit(i + 1), isDigit(i + 2), isDigit(i + 3),
          !isDigit(i + 4)
        {
          i += 1
          continue
        }
        break
      }
      var fraction = ""
      if i + 1 < c.count, c[i] == ".", isDigit(i + 1) {
        i += 1
        while isDigit(i) {
          fraction.unicodeScalars.append(c[i])
          i += 1
        }
      }
      out.append(normalize(negative: negative, whole: whole, fraction: fraction))
    }
    return out
  }

  /// A number's one spelling: no leading zeros, no trailing fraction zeros, no `-0`.
  static func normalize(negative: Bool, whole: String, fraction: String) -> String {
    let w = String(whole.drop { $0 == "0" })
    var f = fraction
    while f.hasSuffix("0") { f.removeLast() }
    let body = (w.isEmpty ? "0" : w) + (f.isEmpty ? "" : "." + f)
    return negative && body != "0" ? "-" + body : body
  }

  /// `text` as one number (an answer field): the whole string must be one number, surrounding
  /// spaces and a trailing `.` aside; nil otherwise.
  public static func parse(_ text: String) -> String? {
    var t = text.trimmingCharacters(in: .whitespaces)
    if t.hasSuffix(".") { t.removeLast() }
    let found = numbers(in: t)
    guard found.count == 1, let first = t.first,
      first.isNumber || "-−+".contains(first), let last = t.last, last.isNumber
    else { return nil }
    // Nothing but the number: digits, commas, one point, a leading sign.
    guard t.dropFirst().allSatisfy({ $0.isNumber || $0 == "," || $0 == "." }) else { return nil }
    return found[0]
  }
}
