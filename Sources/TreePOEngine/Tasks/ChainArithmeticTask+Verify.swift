// The strict chain verifier, one left-to-right scan for `verify` and `isViablePrefix` (as for
// Countdown). Reasons: a character the step grammar does not allow → `format`; a left operand that
// is not the previous result (or the first number), or an operator or right operand that is not the
// prompt's next one → `bad_operand`; a wrong result → `arith`; `$` before the last step →
// `wrong_target`; text that ends before `$` → `unfinished`.

extension ChainArithmeticTask {
  public func verify(prompt: String, completion: String) -> Verdict {
    guard let parsed = try? ChainPrompt(parsing: prompt) else { return .wrong(.format) }
    switch Self.scan(completion, from: parsed) {
    case .failed(let reason): return .wrong(reason)
    case .open: return .wrong(.unfinished)
    case .closed(let steps): return steps == parsed.ops.count ? .correct : .wrong(.wrongTarget)
    }
  }

  public func isViablePrefix(prompt: String, partial: String) -> Bool {
    guard let parsed = try? ChainPrompt(parsing: prompt) else { return false }
    switch Self.scan(partial, from: parsed) {
    case .failed: return false
    case .open: return true
    case .closed(let steps): return steps == parsed.ops.count
    }
  }

  enum ScanOutcome: Equatable {
    case failed(FailureReason)
    /// The text ended before `$`.
    case open
    /// `$` was the last character, after `steps` complete steps.
    case closed(steps: Int)
  }

  static func scan(_ text: String, from prompt: ChainPrompt) -> ScanOutcome {
    var it = Array(text).makeIterator()
    var left = prompt.numbers[0]
    for k in 0..<prompt.ops.count {
      if k > 0 {
        guard let sep = it.next() else { return .open }
        if sep == "$" { return it.next() == nil ? .closed(steps: k) : .failed(.format) }
        guard sep == " " else { return .failed(.format) }
      }
      guard let first = it.next() else { return .open }
      if k == 0 && first == "$" { return it.next() == nil ? .closed(steps: 0) : .failed(.format) }
      let expected = (left, prompt.ops[k], prompt.numbers[k + 1])
      let r = expected.1.apply(left, expected.2)
      let fields: [Character?] = [first, it.next(), it.next(), it.next(), it.next()]
      // a op b = r
      for (i, c) in fields.enumerated() {
        guard let c else { return .open }
        switch i {
        case 0, 2, 4:
          guard let d = c.digitValue else { return .failed(.format) }
          if i == 0 && d != expected.0 { return .failed(.badOperand) }
          if i == 2 && d != expected.2 { return .failed(.badOperand) }
          if i == 4 && d != r { return .failed(.arith) }
        case 1:
          guard let op = ModOperator(rawValue: c) else { return .failed(.format) }
          if op != expected.1 { return .failed(.badOperand) }
        default:
          guard c == "=" else { return .failed(.format) }
        }
      }
      left = r
    }
    guard let end = it.next() else { return .open }
    guard end == "$", it.next() == nil else { return .failed(.format) }
    return .closed(steps: prompt.ops.count)
  }
}
