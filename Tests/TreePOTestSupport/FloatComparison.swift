import Testing

// Comparing float tensors in tests, as llm.c's check_tensor does: a failure names the tensor, the
// first index that differs, both values there and the largest difference — never the arrays (one
// `#expect(a == b)` on a model's parameters once printed 859 KB).

/// The outcome of comparing two float tensors element by element.
public struct FloatComparison: Sendable, CustomStringConvertible {
  public let name: String
  public let actualCount: Int
  public let expectedCount: Int
  /// The first index whose values differ beyond the tolerance, and both values printed there.
  public let firstDifference: (index: Int, actual: String, expected: String)?
  /// The largest |actual − expected| and where it is (NaN against a number counts as infinite).
  public let maxDifference: Double
  public let maxDifferenceIndex: Int
  /// How many elements differ beyond the tolerance.
  public let differing: Int
  public let toleranceDescription: String

  public var matches: Bool { actualCount == expectedCount && firstDifference == nil }

  public var description: String {
    if actualCount != expectedCount {
      return "\(name): \(actualCount) values, expected \(expectedCount)"
    }
    guard let first = firstDifference else { return "\(name): \(actualCount) values match" }
    return
      "\(name): \(differing) of \(actualCount) values differ (\(toleranceDescription)); first at "
      + "index \(first.index): \(first.actual) vs expected \(first.expected); max difference "
      + "\(maxDifference) at index \(maxDifferenceIndex)"
  }
}

/// Compares `actual` with `expected` (Float or Double). With `tolerance` nil the values must be
/// identical (NaN equals NaN, 0 differs from −0); otherwise |actual − expected| ≤ tolerance · scale,
/// where scale is max |expected| when `relative` (at least 1e-30) and 1 when not.
public func compareFloats<T: BinaryFloatingPoint>(
  _ name: String, _ actual: some Collection<T>, _ expected: some Collection<T>,
  tolerance: Double? = nil, relative: Bool = false
) -> FloatComparison {
  let a = Array(actual)
  let e = Array(expected)
  let scale = relative ? max(e.reduce(0) { max($0, abs(Double($1))) }, 1e-30) : 1
  let bound = tolerance.map { $0 * scale }
  var first: (index: Int, actual: String, expected: String)?
  var worst: Double = 0
  var worstAt = 0
  var differing = 0
  for i in 0..<min(a.count, e.count) {
    let nans = (a[i].isNaN ? 1 : 0) + (e[i].isNaN ? 1 : 0)
    let d: Double = nans == 0 ? abs(Double(a[i]) - Double(e[i])) : nans == 2 ? 0 : .infinity
    let differs = bound.map { d > $0 } ?? (nans == 1 || (nans == 0 && !identical(a[i], e[i])))
    if d > worst {
      worst = d
      worstAt = i
    }
    if differs {
      differing += 1
      if first == nil {
        first = (i, "\(a[i])", "\(e[i])")
        if worst == 0 { worstAt = i }
      }
    }
  }
  let toleranceText: String
  if let tolerance {
    toleranceText =
      relative ? "tolerance \(tolerance) × max |expected| \(scale)" : "tolerance \(tolerance)"
  } else {
    toleranceText = "exactly"
  }
  return FloatComparison(
    name: name, actualCount: a.count, expectedCount: e.count, firstDifference: first,
    maxDifference: worst, maxDifferenceIndex: worstAt, differing: differing,
    toleranceDescription: toleranceText)
}

/// Records one failure when the two tensors are not bit-identical; returns whether they are.
@discardableResult
public func expectIdenticalFloats<T: BinaryFloatingPoint>(
  _ name: String, _ actual: some Collection<T>, _ expected: some Collection<T>,
  sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
  record(compareFloats(name, actual, expected), sourceLocation)
}

/// Records one failure when some |actual − expected| exceeds `tolerance` (times max |expected|
/// when `relative`); returns whether none does.
@discardableResult
public func expectCloseFloats<T: BinaryFloatingPoint>(
  _ name: String, _ actual: some Collection<T>, _ expected: some Collection<T>,
  tolerance: Double, relative: Bool = false, sourceLocation: SourceLocation = #_sourceLocation
) -> Bool {
  record(
    compareFloats(name, actual, expected, tolerance: tolerance, relative: relative),
    sourceLocation)
}

private func identical<T: BinaryFloatingPoint>(_ a: T, _ b: T) -> Bool {
  a == b && a.sign == b.sign
}

private func record(_ c: FloatComparison, _ sourceLocation: SourceLocation) -> Bool {
  if !c.matches { Issue.record(Comment(rawValue: c.description), sourceLocation: sourceLocation) }
  return c.matches
}
