// The arithmetic both bundled tasks share: single digits and the operators + - * taken mod 10.

public enum ModOperator: Character, Sendable, CaseIterable {
  case add = "+"
  case subtract = "-"
  case multiply = "*"

  /// `a op b` mod 10, always in 0...9 (subtraction wraps: 3-7 = 6).
  public func apply(_ a: Int, _ b: Int) -> Int {
    switch self {
    case .add: (a + b) % 10
    case .subtract: ((a - b) % 10 + 10) % 10
    case .multiply: (a * b) % 10
    }
  }

  /// `+` and `*` commute, so Countdown writes them larger operand first: one spelling per step.
  public var isCommutative: Bool { self != .subtract }
}

extension Character {
  /// The value of an ASCII digit, nil for anything else.
  var digitValue: Int? {
    guard let a = asciiValue, a >= 48, a <= 57 else { return nil }
    return Int(a) - 48
  }
}
