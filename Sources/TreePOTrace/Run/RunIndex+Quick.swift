import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The scan's shortcut for the most common small line: a `node_ended` as treepo writes it gives its
// outcome and reward without a full parse. In valid JSON a quote inside a string is escaped, so
// `"outcome":"` and `"reward":` can only be keys. (Whether the line is valid JSON is checked when
// its step is shown.) Anything unexpected falls back to the full parse.

extension RunIndex {
  static func starts(_ line: UnsafeBufferPointer<UInt8>, with prefix: [UInt8]) -> Bool {
    line.count >= prefix.count && memcmp(line.baseAddress!, prefix, prefix.count) == 0
  }

  private static let outcomeKey = Array("\"outcome\":\"".utf8)
  private static let rewardKey = Array("\"reward\":".utf8)

  /// The outcome and reward of a `node_ended` line (prompt and node are not needed by the step
  /// summary); nil when the line is not in the expected shape.
  static func quickNodeEnded(_ line: UnsafeBufferPointer<UInt8>) -> NodeEnded? {
    guard let o = find(outcomeKey, in: line) else { return nil }
    let from = o + outcomeKey.count
    guard let close = line[from...].firstIndex(of: 0x22),
      let outcome = NodeOutcome(rawValue: String(decoding: line[from..<close], as: UTF8.self))
    else { return nil }
    var reward: Float?
    if let r = find(rewardKey, in: line) {
      let start = r + rewardKey.count
      let stop = line[start...].firstIndex { $0 == 0x2C || $0 == 0x7D } ?? line.count
      let text = String(decoding: line[start..<stop], as: UTF8.self)
      // Non-finite rewards are written as strings ("nan"): not a score.
      guard let value = text.first == "\"" ? Float.nan : Float(text) else { return nil }
      reward = value
    }
    return NodeEnded(prompt: 0, node: 0, outcome: outcome, reason: "", reward: reward)
  }

  private static func find(_ needle: [UInt8], in line: UnsafeBufferPointer<UInt8>) -> Int? {
    guard line.count >= needle.count else { return nil }
    let base = UnsafeRawPointer(line.baseAddress!)
    let last = line.count - needle.count
    var at = 0
    while at <= last {
      guard let p = memchr(base + at, Int32(needle[0]), last - at + 1) else { return nil }
      at = base.distance(to: UnsafeRawPointer(p))
      if memcmp(base + at, needle, needle.count) == 0 { return at }
      at += 1
    }
    return nil
  }
}
