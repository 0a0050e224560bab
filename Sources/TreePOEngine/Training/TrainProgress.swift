// How far a PPO step is, for the explorer's Training pane: the phase, the fraction of the step's
// forward/backward work done (a backward counts twice a forward) and the time left at the rate so
// far. Reported after each micro-batch, so a step of minutes on a real model shows it moving.

import Foundation

public struct TrainProgress: Sendable, Equatable {
  public enum Phase: String, Sendable, Equatable {
    /// Decoding the rest of the batch before training on it (no fraction: rounds vary).
    case rollout = "finishing the batch"
    case oldLogprobs = "old log-probs"
    case update = "update"
    case after = "log-probs after"
  }
  public var phase: Phase
  /// Of the whole step's forward/backward work, 0…1.
  public var fraction: Double
  public var elapsedSeconds: Double
  /// Seconds left at the rate so far; nil before any work is done.
  public var etaSeconds: Double?

  public init(phase: Phase, fraction: Double, elapsedSeconds: Double, etaSeconds: Double?) {
    self.phase = phase
    self.fraction = fraction
    self.elapsedSeconds = elapsedSeconds
    self.etaSeconds = etaSeconds
  }
}

/// The trainer's running count of work units (positions × passes) for one step.
struct ProgressMeter {
  var phase = TrainProgress.Phase.oldLogprobs
  /// Work units per position in the current pass: 1 for a forward, 3 for forward + backward.
  var cost = 1.0
  var done = 0.0
  let total: Double
  let start = ContinuousClock.now
  let report: (TrainProgress) -> Void

  mutating func advance(positions: Int) {
    done += cost * Double(positions)
    let fraction = total > 0 ? min(1, done / total) : 1
    let elapsed = seconds(since: start)
    report(
      TrainProgress(
        phase: phase, fraction: fraction, elapsedSeconds: elapsed,
        etaSeconds: fraction > 0 ? elapsed * (1 - fraction) / fraction : nil))
  }
}
