// The strict Countdown verifier. One left-to-right scan serves both `verify` (the whole completion)
// and `isViablePrefix` (a partial one): the first violation in reading order is the failure, so a
// prefix is viable exactly when the scan has not failed yet and the target is still possible.
//
// Reasons: a character where the step grammar allows none → `format` (this includes `+`/`*` written
// smaller operand first and an unsorted pool); an operand not in the current pool → `bad_operand`;
// a result, or the written pool, that differs from the recomputed one → `arith`; `$` with a pool
// other than [target] → `wrong_target`; text that ends before `$` → `unfinished`.

extension CountdownTask {
  public func verify(prompt: String, completion: String) -> Verdict {
    guard let parsed = try? CountdownPrompt(parsing: prompt) else { return .wrong(.format) }
    switch Self.scan(completion, from: parsed) {
    case .failed(let reason): return .wrong(reason)
    case .open: return .wrong(.unfinished)
    case .closed(let pool): return pool == [parsed.target] ? .correct : .wrong(.wrongTarget)
    }
  }

  public func isViablePrefix(prompt: String, partial: String) -> Bool {
    guard let parsed = try? CountdownPrompt(parsing: prompt) else { return false }
    switch Self.scan(partial, from: parsed) {
    case .failed: return false
    case .open(let pool, let atStepStart):
      // With one number left the only continuation is `$`, right only if it is the target.
      return !(atStepStart && pool.count == 1 && pool[0] != parsed.target)
    case .closed(let pool): return pool == [parsed.target]
    }
  }

  enum ScanOutcome: Equatable {
    /// A violation at some character.
    case failed(FailureReason)
    /// The text ended before `$`; `pool` is the pool before the step being written.
    case open(pool: [Int], atStepStart: Bool)
    /// `$` was the last character; `pool` is the final pool.
    case closed(pool: [Int])
  }

  static func scan(_ text: String, from prompt: CountdownPrompt) -> ScanOutcome {
    var pool = prompt.numbers.sorted()
    var it = Array(text).makeIterator()
    while true {
      guard let first = it.next() else { return .open(pool: pool, atStepStart: true) }
      if first == "$" { return it.next() == nil ? .closed(pool: pool) : .failed(.format) }
      switch scanStep(first: first, rest: &it, pool: pool) {
      case .failed(let reason): return .failed(reason)
      case .open: return .open(pool: pool, atStepStart: false)
      case .done(let next): pool = next
      }
    }
  }

  private enum StepOutcome {
    case failed(FailureReason)
    case open
    case done(pool: [Int])
  }

  /// Scans `a op b=c(p p …)` whose first character has been read.
  private static func scanStep(
    first: Character, rest it: inout IndexingIterator<[Character]>, pool: [Int]
  ) -> StepOutcome {
    guard let a = first.digitValue else { return .failed(.format) }
    var remaining = pool
    guard pool.count >= 2, let ia = remaining.firstIndex(of: a) else { return .failed(.badOperand) }
    remaining.remove(at: ia)

    guard let opChar = it.next() else { return .open }
    guard let op = ModOperator(rawValue: opChar) else { return .failed(.format) }

    guard let bChar = it.next() else { return .open }
    guard let b = bChar.digitValue else { return .failed(.format) }
    guard let ib = remaining.firstIndex(of: b) else { return .failed(.badOperand) }
    remaining.remove(at: ib)
    if op.isCommutative && a < b { return .failed(.format) }

    guard let eq = it.next() else { return .open }
    guard eq == "=" else { return .failed(.format) }
    guard let rChar = it.next() else { return .open }
    guard let r = rChar.digitValue else { return .failed(.format) }
    guard r == op.apply(a, b) else { return .failed(.arith) }

    let next = (remaining + [r]).sorted()
    guard let open = it.next() else { return .open }
    guard open == "(" else { return .failed(.format) }
    // The pool `d d … d)`: unsorted → format, another multiset → arith. A prefix that already
    // departs from the true pool fails at once, so pruning does not wait for the `)`.
    var written: [Int] = []
    func judge() -> FailureReason? {
      if written != written.sorted() { return .format }
      return written == Array(next.prefix(written.count)) ? nil : .arith
    }
    while true {
      guard let c = it.next() else { return judge().map { .failed($0) } ?? .open }
      guard let d = c.digitValue else { return .failed(.format) }
      written.append(d)
      guard let sep = it.next() else { return judge().map { .failed($0) } ?? .open }
      if sep == ")" { break }
      guard sep == " " else { return .failed(.format) }
    }
    if let reason = judge() { return .failed(reason) }
    return written == next ? .done(pool: next) : .failed(.arith)
  }
}
