// The repetition rule: a response whose last `span` tokens are one short block (1…8 tokens)
// repeated end to end is looping. Countdown completions never legitimately do this over 12
// tokens (a pool holds at most 5 numbers, "4 4 4 4 4" is 9), so the default span stops loops
// without false hits.

public enum RepetitionRule {
  public static let maxPeriod = 8

  /// Whether the tail of `tokens` is a block of period 1…maxPeriod repeated over `span` tokens
  /// (at least twice).
  public static func isLooping(_ tokens: [Int], span: Int) -> Bool {
    guard span >= 2, tokens.count >= span else { return false }
    let tail = tokens[(tokens.count - span)...]
    let start = tail.startIndex
    for period in 1...min(maxPeriod, span / 2) {
      var repeats = true
      for i in (start + period)..<tail.endIndex where tail[i] != tail[i - period] {
        repeats = false
        break
      }
      if repeats { return true }
    }
    return false
  }
}
