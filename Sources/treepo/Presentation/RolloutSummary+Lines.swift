// The summary `treepo sample` prints for a finished rollout.

import Foundation
import TreePOEngine

extension RolloutSummary {
  /// The lines `treepo sample` prints.
  var lines: [String] {
    let c = counters
    func ratio(_ a: Int, _ b: Int) -> String {
      b == 0 ? "–" : String(format: "%.2f×", Double(a) / Double(b))
    }
    var out = [
      "sampler          \(sampler.rawValue)",
      "prompts          \(prompts)",
      "trajectories     \(trajectories) (n = \(n) per prompt)",
      String(format: "mean@%d          %.3f", n, meanAtN),
      String(format: "pass@%d          %.3f", n, passAtN),
      "tokens decoded   \(c.decodedTokens) (real forward positions, prefill included)",
      "flat equivalent  \(c.flatEquivalentTokens) (decoded/flat "
        + "\(ratio(c.decodedTokens, c.flatEquivalentTokens)))",
      "prefix-shared    \(c.sharedPrefixTokens) tokens",
      "KV pages peak    \(c.kvPagesPeak)",
      "outcomes         \(c.finished) finished, \(c.stopped) stopped, \(c.truncated) truncated, "
        + "\(c.pruned) pruned, \(c.fallbacks) fallbacks",
      String(format: "wall time        %.2f s (%d rounds)", c.elapsedSeconds, rounds),
    ]
    if !shortfalls.isEmpty { out.append("short prompts    " + shortfalls.joined(separator: "; ")) }
    return out
  }
}
