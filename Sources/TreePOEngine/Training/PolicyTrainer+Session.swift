// The explorer's train key: one PPO step on the rollout on screen, through the engine session's
// `EngineParts.train` hook. Build the trainer on the engine thread (in the session's factory), on
// the same `Model` the decoder samples from: the decoder reads the weights on every call, so the
// next batch samples from the updated policy.

extension PolicyTrainer {
  /// A hook for `EngineParts.train`: trains on the sampler's trajectories and returns the
  /// `advantagesAssigned` and `trainStep` events (with per-node log-probability changes).
  public func sessionHook() -> EngineParts.TrainHook {
    { sampler, _, progress in
      self.onProgress = progress
      defer { self.onProgress = nil }
      let summary = sampler.summary
      let result = self.trainStep(
        on: sampler.trajectories,
        rolloutMetrics: rolloutMetrics(
          counters: summary.counters, seconds: summary.counters.elapsedSeconds))
      return result.events
    }
  }
}

extension EngineParts {
  /// These parts with the train key wired to `trainer` (which must train the decoder's model).
  public func training(with trainer: PolicyTrainer) -> EngineParts {
    var parts = self
    parts.train = trainer.sessionHook()
    return parts
  }
}
