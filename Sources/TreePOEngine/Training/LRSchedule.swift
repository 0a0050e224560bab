#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Learning rate by step: linear warm-up from peak/warmupSteps to peak over the first
// `warmupSteps` steps, then a half cosine from peak down to peak·minRatio at `totalSteps`
// (held there afterwards).

public struct LRSchedule: Sendable, Equatable {
  public var peak: Float
  public var warmupSteps: Int
  public var totalSteps: Int
  public var minRatio: Float

  public init(peak: Float, warmupSteps: Int, totalSteps: Int, minRatio: Float = 0.1) {
    precondition(warmupSteps >= 0 && totalSteps >= warmupSteps, "need 0 ≤ warmup ≤ total steps")
    self.peak = peak
    self.warmupSteps = warmupSteps
    self.totalSteps = totalSteps
    self.minRatio = minRatio
  }

  /// The rate for the 0-based `step`.
  public func learningRate(at step: Int) -> Float {
    if step < warmupSteps { return peak * Float(step + 1) / Float(warmupSteps) }
    let span = totalSteps - warmupSteps
    let progress = span == 0 ? 1 : min(Double(step - warmupSteps) / Double(span), 1)
    let cosine = Float(0.5 * (1 + cos(Double.pi * progress)))
    return peak * (minRatio + (1 - minRatio) * cosine)
  }
}
