// The questions of the `arith` task, written by the project: each template is a sentence with `#`
// where a number goes, a draw of its numbers (in reading order) and the answer from them. Template
// text has no digits, so a question with each number written back as `#` names its template, and
// the verifier recomputes the answer from the question alone.

struct ArithTemplate: Sendable {
  var text: String
  var draw: @Sendable (inout SeededRandom) -> [Int]
  var answer: @Sendable ([Int]) -> Int

  /// The question with `numbers` written in for the `#`s, in order.
  func question(_ numbers: [Int]) -> String {
    var out = ""
    var it = numbers.makeIterator()
    for c in text { out += c == "#" ? String(it.next()!) : String(c) }
    return out
  }
}

extension SeededRandom {
  /// Uniform in `range`.
  mutating func int(in range: ClosedRange<Int>) -> Int {
    range.lowerBound + nextInt(range.count)
  }
}

enum ArithTemplates {
  /// The templates of each level (index = level − 1); see docs/tasks.md for what each level is.
  static let levels: [[ArithTemplate]] = [
    binary(
      ["What is # + #?", "Compute # + #.", "What is the sum of # and #?", "Add # and #."],
      digits: 0...9, +),
    binary(
      ["What is # - #?", "Compute # - #.", "Subtract # from #.", "What is # minus #?"],
      digits: 0...9, -, ordered: true),
    binary(
      ["What is # * #?", "What is # times #?", "Multiply # by #.", "Compute # × #."],
      digits: 0...9, *),
    binary(
      ["What is # + #?", "Compute # + #.", "What is the sum of # and #?", "Add # and #."],
      digits: 10...99, +),
    oneStep,
    twoStep,
  ]

  /// Two-operand templates; `ordered` keeps a subtraction's result non-negative, and "Subtract
  /// # from #" names the subtrahend first.
  static func binary(
    _ texts: [String], digits: ClosedRange<Int>, _ op: @escaping @Sendable (Int, Int) -> Int,
    ordered: Bool = false
  ) -> [ArithTemplate] {
    texts.map { text in
      let reversed = text.hasPrefix("Subtract")
      return ArithTemplate(
        text: text,
        draw: { rng in
          var (a, b) = (rng.int(in: digits), rng.int(in: digits))
          if ordered && a < b { swap(&a, &b) }
          return reversed ? [b, a] : [a, b]
        },
        answer: { n in reversed ? op(n[1], n[0]) : op(n[0], n[1]) })
    }
  }

  /// Two numbers: a ± b with b < a, or a small product.
  static func sum(_ text: String) -> ArithTemplate {
    ArithTemplate(
      text: text, draw: { rng in [rng.int(in: 2...20), rng.int(in: 2...20)] },
      answer: { $0[0] + $0[1] })
  }
  static func difference(_ text: String) -> ArithTemplate {
    ArithTemplate(
      text: text,
      draw: { rng in
        let a = rng.int(in: 5...30)
        return [a, rng.int(in: 1...(a - 1))]
      }, answer: { $0[0] - $0[1] })
  }
  static func product(_ text: String) -> ArithTemplate {
    ArithTemplate(
      text: text, draw: { rng in [rng.int(in: 2...9), rng.int(in: 2...9)] },
      answer: { $0[0] * $0[1] })
  }

  static let oneStep: [ArithTemplate] = [
    sum("Tom has # apples. He buys # more. How many apples does he have now?"),
    sum("There are # birds on a tree. Then # more birds land on it. How many birds are there now?"),
    sum("Lena read # pages yesterday and # pages today. How many pages did she read in all?"),
    difference(
      "Mia had # stickers. She gave # to her friend. How many stickers does she have left?"),
    difference("Sam baked # cookies and ate # of them. How many cookies are left?"),
    difference(
      "A bus had # people on it. At the stop, # got off. How many people are on the bus now?"),
    product("A box holds # pencils. How many pencils are in # boxes?"),
    product("Each bag has # marbles. Ben has # bags. How many marbles does he have in total?"),
  ]

  static let twoStep: [ArithTemplate] = [
    ArithTemplate(
      text: "Tom has # apples. He buys # more and then eats #. How many apples does he have now?",
      draw: { rng in
        let (a, b) = (rng.int(in: 2...20), rng.int(in: 2...20))
        return [a, b, rng.int(in: 1...(a + b - 1))]
      }, answer: { $0[0] + $0[1] - $0[2] }),
    ArithTemplate(
      text: "A shop had # shirts. It sold # in the morning and # in the afternoon. "
        + "How many shirts are left?",
      draw: { rng in
        let a = rng.int(in: 10...40)
        let b = rng.int(in: 1...(a / 2))
        return [a, b, rng.int(in: 1...(a - b - 1))]
      }, answer: { $0[0] - $0[1] - $0[2] }),
    ArithTemplate(
      text: "Each box holds # pens. Ana buys # boxes, and she already had # pens. "
        + "How many pens does she have now?",
      draw: { rng in [rng.int(in: 2...9), rng.int(in: 2...9), rng.int(in: 1...9)] },
      answer: { $0[0] * $0[1] + $0[2] }),
    ArithTemplate(
      text: "A hall has # rows of # chairs. Then # chairs are taken. How many chairs are free?",
      draw: { rng in
        let (a, b) = (rng.int(in: 2...9), rng.int(in: 2...9))
        return [a, b, rng.int(in: 1...(a * b - 1))]
      }, answer: { $0[0] * $0[1] - $0[2] }),
    ArithTemplate(
      text: "Ben reads # pages on Monday and # pages on Tuesday. His book has # pages. "
        + "How many pages does he still have to read?",
      draw: { rng in
        let (a, b) = (rng.int(in: 2...20), rng.int(in: 2...20))
        return [a, b, a + b + rng.int(in: 1...30)]
      }, answer: { $0[2] - $0[0] - $0[1] }),
  ]

  /// Template text → template, for the verifier.
  static let byText: [String: ArithTemplate] = {
    var d: [String: ArithTemplate] = [:]
    for level in levels { for t in level { d[t.text] = t } }
    return d
  }()

  /// The question's template text and its numbers in order (nil if a number is too long).
  static func skeleton(_ question: String) -> (text: String, numbers: [Int])? {
    var text = ""
    var numbers: [Int] = []
    var digits = ""
    for c in question + " " {
      if c.isASCII, c.isNumber {
        digits.append(c)
        continue
      }
      if !digits.isEmpty {
        guard let n = Int(digits) else { return nil }
        numbers.append(n)
        text += "#"
        digits = ""
      }
      text.append(c)
    }
    return (String(text.dropLast()), numbers)
  }
}
