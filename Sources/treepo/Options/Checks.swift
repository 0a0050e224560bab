// The one-sentence checks every option's validate() uses: each names its flag and the bad value,
// and a NaN or an infinity is never "positive".

import ArgumentParser

enum Check {
  static func atLeast(_ flag: String, _ value: Int, _ minimum: Int) throws {
    guard value >= minimum else {
      throw ValidationError("\(flag) \(value) must be at least \(minimum).")
    }
  }

  static func inRange(_ flag: String, _ value: Int, _ range: ClosedRange<Int>) throws {
    guard range.contains(value) else {
      throw ValidationError(
        "\(flag) \(value) must be between \(range.lowerBound) and \(range.upperBound).")
    }
  }

  /// Finite and > 0.
  static func positive<F: BinaryFloatingPoint>(_ flag: String, _ value: F) throws {
    guard value.isFinite, value > 0 else {
      throw ValidationError("\(flag) \(Double(value)) must be a positive number.")
    }
  }

  /// Finite and ≥ 0.
  static func nonNegative<F: BinaryFloatingPoint>(_ flag: String, _ value: F) throws {
    guard value.isFinite, value >= 0 else {
      throw ValidationError("\(flag) \(Double(value)) must be a number ≥ 0.")
    }
  }

  /// Finite and within `range`.
  static func within<F: BinaryFloatingPoint>(
    _ flag: String, _ value: F, _ range: ClosedRange<F>, _ rule: String
  ) throws {
    guard value.isFinite, range.contains(value) else {
      throw ValidationError("\(flag) \(Double(value)) must be \(rule).")
    }
  }
}
