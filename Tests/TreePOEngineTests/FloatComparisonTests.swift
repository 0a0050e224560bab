import Testing
import TreePOTestSupport

// The shared float comparison reports a mismatch in one short line — name, first differing index,
// both values, largest difference — however long the tensors are.

@Suite struct FloatComparisonTests {
  @Test func aMismatchInALongTensorIsOneShortLine() {
    let expected = (0..<200_000).map { Float($0) * 0.5 }
    var actual = expected
    actual[1234] += 0.25
    actual[150_000] -= 3
    let c = compareFloats("weights", actual, expected)
    #expect(!c.matches)
    #expect(c.differing == 2)
    #expect(c.firstDifference?.index == 1234)
    #expect(c.maxDifference == 3 && c.maxDifferenceIndex == 150_000)
    #expect(
      c.description
        == "weights: 2 of 200000 values differ (exactly); first at index 1234: 617.25 vs "
        + "expected 617.0; max difference 3.0 at index 150000")
  }

  @Test func exactSeparatesSignedZerosAndMatchesEqualNaNs() {
    #expect(compareFloats("z", [0], [-0.0]).firstDifference?.index == 0)
    #expect(compareFloats("n", [.nan, 1], [.nan, 1]).matches)
    #expect(compareFloats("n", [1, .nan], [1, 2]).maxDifference == .infinity)
  }

  @Test func tolerancesAbsoluteAndRelative() {
    #expect(compareFloats("t", [1.05], [1], tolerance: 0.1).matches)
    #expect(!compareFloats("t", [1.2], [1], tolerance: 0.1).matches)
    // Relative: 1e-4 of max |expected| = 100 allows 0.005 anywhere.
    #expect(compareFloats("r", [100, 0.005], [100, 0], tolerance: 1e-4, relative: true).matches)
    #expect(!compareFloats("r", [100, 0.02], [100, 0], tolerance: 1e-4, relative: true).matches)
    #expect(!compareFloats("nan", [.nan], [1], tolerance: 1).matches)
  }

  @Test func differentCountsSaySo() {
    let c = compareFloats("logits", [1, 2, 3], [1, 2])
    #expect(!c.matches)
    #expect(c.description == "logits: 3 values, expected 2")
  }
}
