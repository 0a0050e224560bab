import Foundation

// Measurement helpers shared by the bench commands and pretrain's CPU budget.

/// CPU time of the whole process (user + system, all threads), in seconds. On a shared, loaded
/// machine it shows what the work costs when wall time mostly shows the queue for a core.
func processCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

/// The median (the mean of the middle two for an even count; NaN when empty).
func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  guard !s.isEmpty else { return .nan }
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
