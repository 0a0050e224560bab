// Which role each completion character plays, for the entropy-by-class report: a tiny model is
// uncertain at the choice tokens (first operand, operator, second operand) and nearly certain at
// the forced ones (result digit, the pool).

public enum CountdownTokenClass: String, Sendable, CaseIterable, Codable {
  case firstOperand = "first_operand"
  case `operator`
  case secondOperand = "second_operand"
  case result
  case pool
  /// `=`, `(`, `)`.
  case punctuation
  /// `$`.
  case end
}

extension CountdownTask {
  /// The class of each character of a completion, by its place in the step grammar `a op b=c(…)`.
  /// Malformed text is classified by position all the same (best effort, never fails).
  public static func tokenClasses(of completion: String) -> [CountdownTokenClass] {
    var classes: [CountdownTokenClass] = []
    var position = 0  // place within the current step; 6 and on = inside the pool
    for c in completion {
      let cls: CountdownTokenClass
      switch position {
      case 0: cls = c == "$" ? .end : .firstOperand
      case 1: cls = .operator
      case 2: cls = .secondOperand
      case 3: cls = .punctuation
      case 4: cls = .result
      case 5: cls = .punctuation
      default: cls = c == ")" ? .punctuation : .pool
      }
      classes.append(cls)
      position = (position >= 6 && c == ")") || cls == .end ? 0 : position + 1
    }
    return classes
  }
}
