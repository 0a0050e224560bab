// The PPO update on one rollout batch: the library entry point of `treepo train` and of the
// explorer's train key. One `trainStep` = recompute old log-probabilities with the current weights
// (taken from the update's own forward when the step makes one optimizer update: same weights),
// advantages, `ppoEpochs` × mini-batches of (forward, PPO loss, backward, clip, AdamW), then the
// per-node log-probabilities after the update so the explorer can show how the step moved them.
// A NaN or Inf in a loss or the gradient norm skips the whole step and restores the weights and
// optimizer state from before it.

import Foundation

/// How the tree's shared prefixes are trained (docs/algorithm.md, "Shared prefixes").
public enum PrefixMode: String, Sendable, CaseIterable, Codable {
  /// Every trajectory is its own sequence and each of its tokens carries its own loss term.
  case perPath = "per-path"
  /// Each shared token position carries the summed loss terms of every path through it, once;
  /// the other copies of that position get no gradient.
  case shared
}

public struct TrainerConfig: Sendable, Equatable {
  public var ppo = PPOConfig()
  public var estimator = AdvantageEstimator.tree
  public var weighting = TreeWeighting.average
  /// `actor.ppo_epochs`.
  public var ppoEpochs = 1
  /// Mini-batches per epoch (one AdamW step each); trajectories are split by prompt.
  public var miniBatches = 1
  /// Sequences per forward pass (activation memory); gradients accumulate across them.
  public var microBatchSize = 16
  /// `actor.optim.lr`, betas, weight decay; gradient clipping `actor.grad_clip`.
  public var learningRate: Float = 1e-4
  public var beta1: Float = 0.9
  public var beta2: Float = 0.999
  public var weightDecay: Float = 0.01
  public var maxGradNorm: Float = 1
  public var prefixMode = PrefixMode.perPath
  /// Shuffles the prompt order of mini-batches each epoch (only matters with several).
  public var seed: UInt64 = 0
  /// With a single optimizer update per step (1 epoch, 1 mini-batch), the old log-probabilities
  /// are the update forward's own (the weights have not moved yet): one forward pass fewer.
  /// Off: a separate pass first, as with several updates (same result; tested).
  public var oldLogprobsFromUpdate = true
  public init() {}
}

public struct TrainStepResult: Sendable {
  public var step: Int
  /// verl-named metrics (`actor/pg_loss`, `critic/score/mean`, …).
  public var metrics: [String: Double]
  /// Per node: the sum of its tokens' log-probabilities before and after the update.
  public var changes: [NodeLogprobChange]
  public var advantages: AdvantageResult
  /// Why the step was skipped (weights untouched), or nil when it was applied.
  public var skipped: String?
  /// `advantagesAssigned` then `trainStep`, for the trace and the explorer.
  public var events: [TreeEvent]
}

public final class PolicyTrainer {
  public let model: Model
  public var config: TrainerConfig
  public let optimizer: AdamW
  /// Sized for `config.microBatchSize` sequences of the longest trajectory seen so far: its
  /// buffers are zero-filled (touched), so a real model's 8k context would cost gigabytes.
  var graph: TrainingGraph
  /// Frozen reference policy for the KL loss (a copy of the weights at start), when klCoef ≠ 0:
  /// a forward-only graph, since it never trains.
  var reference: TrainingGraph?
  /// Updates applied so far (skipped steps do not count).
  public var step = 0
  /// Called after every micro-batch of a `trainStep` (on the calling thread).
  public var onProgress: ((TrainProgress) -> Void)?
  /// The current step's progress count, while `onProgress` is set.
  var meter: ProgressMeter?

  public init(model: Model, config: TrainerConfig = TrainerConfig(), maxLength: Int? = nil) {
    self.model = model
    self.config = config
    let length = Self.graphLength(initial: maxLength, needed: 0, config: model.config)
    graph = TrainingGraph(model: model, maxBatch: config.microBatchSize, maxLength: length)
    optimizer = AdamW(
      layout: model.layout, learningRate: config.learningRate, beta1: config.beta1,
      beta2: config.beta2, weightDecay: config.weightDecay)
    if config.ppo.klCoef != 0 {
      let frozen = Model(config: model.config)
      frozen.parameters.copy(from: model.parameters)
      reference = TrainingGraph(
        model: frozen, maxBatch: config.microBatchSize, maxLength: length, forwardOnly: true)
    } else {
      reference = nil
    }
  }

  /// Runs one training step on the batch just sampled. `rolloutMetrics` (e.g. from
  /// `rolloutMetrics(counters:seconds:)`) are merged into the result's metrics.
  public func trainStep(
    on trajectories: [Trajectory], rolloutMetrics: [String: Double] = [:],
    computeChanges: Bool = true
  ) -> TrainStepResult {
    let start = ContinuousClock.now
    fitGraphs(to: trajectories)
    var metrics = rolloutMetrics
    let advStart = ContinuousClock.now
    let advantages = computeAdvantages(
      trajectories, estimator: config.estimator, weighting: config.weighting)
    metrics["timing_s/adv"] = seconds(since: advStart)
    let batch = PolicyBatch(trajectories, advantages: advantages)
    metrics.merge(batchMetrics(trajectories, advantages: advantages)) { $1 }

    // With one optimizer step per trainStep nothing is applied before the finiteness check, so
    // the copy (weights + both moments: 1.6 GB for a 135M model) is needed only with several.
    let updates = config.ppoEpochs * max(1, min(config.miniBatches, batch.promptCount))
    let fused = updates == 1 && config.oldLogprobsFromUpdate
    startMeter(
      batch,
      passes: (fused ? 0 : 1) + (reference == nil ? 0 : 1) + 3 * Double(updates)
        + (computeChanges ? 1 : 0))
    defer { meter = nil }
    let oldStart = ContinuousClock.now
    let separate = fused ? nil : logprobs(of: batch, graph: graph).logprobs
    let referenceLogprobs = reference.map { logprobs(of: batch, graph: $0).logprobs }
    metrics["timing_s/old_log_prob"] = seconds(since: oldStart)
    meter?.phase = .update
    meter?.cost = 3

    let updateStart = ContinuousClock.now
    let snapshot = updates > 1 ? Snapshot(model: model, optimizer: optimizer) : nil
    var recorded: [[Float]]? =
      fused ? batch.trajectories.map { [Float](repeating: 0, count: $0.responseTokens.count) } : nil
    let update = runEpochs(
      batch, old: separate, reference: referenceLogprobs, recorded: &recorded)
    let old = separate ?? recorded!
    metrics.merge(samplingMismatch(trajectories, recomputed: old)) { $1 }
    metrics.merge(update.metrics) { $1 }
    metrics["timing_s/update_actor"] = seconds(since: updateStart)
    if update.skipped != nil { snapshot?.restore(model: model, optimizer: optimizer) }
    metrics["actor/skipped"] = update.skipped == nil ? 0 : 1

    var changes: [NodeLogprobChange] = []
    if computeChanges {
      meter?.phase = .after
      meter?.cost = 1
      let after = update.skipped == nil ? logprobs(of: batch, graph: graph).logprobs : old
      changes = batch.nodeChanges(before: old, after: after)
    }
    if update.skipped == nil { step += 1 }
    metrics["timing_s/train"] = seconds(since: start)
    let events: [TreeEvent] = [
      .advantagesAssigned(
        AdvantagesAssigned(estimator: config.estimator.rawValue, nodes: advantages.nodes)),
      .trainStep(TrainStepFinished(step: step, metrics: metrics, changes: changes)),
    ]
    return TrainStepResult(
      step: step, metrics: metrics, changes: changes, advantages: advantages,
      skipped: update.skipped, events: events)
  }

  /// The current policy's log-probability of every response token of `trajectories`.
  public func responseLogprobs(_ trajectories: [Trajectory]) -> [[Float]] {
    fitGraphs(to: trajectories)
    let batch = PolicyBatch(
      trajectories, advantages: computeAdvantages(trajectories, estimator: .drgrpo))
    return logprobs(of: batch, graph: graph).logprobs
  }

  /// The epochs × mini-batches of updates; stops at the first non-finite loss or gradient.
  /// `old` nil: the old log-probabilities are the forward's own, recorded into `recorded`.
  func runEpochs(
    _ batch: PolicyBatch, old: [[Float]]?, reference: [[Float]]?, recorded: inout [[Float]]?
  ) -> (metrics: [String: Double], skipped: String?) {
    var rng = SeededRandom(seed: config.seed &+ UInt64(step))
    var sums: [String: Double] = [:]
    var updates = 0
    for epoch in 0..<config.ppoEpochs {
      var prompts = Array(Set(batch.trajectories.map(\.prompt))).sorted()
      if config.miniBatches > 1 { prompts.shuffle(using: &rng) }
      let groups = max(1, min(config.miniBatches, prompts.count))
      for g in 0..<groups {
        let chosen = Set(prompts.enumerated().filter { $0.offset % groups == g }.map(\.element))
        let rows = batch.trajectories.indices.filter {
          chosen.contains(batch.trajectories[$0].prompt)
        }
        graph.zeroGradients()
        var m = accumulatePolicyGradient(
          batch, rows: rows, old: old, reference: reference, recorded: &recorded)
        let loss = m["actor/loss"] ?? 0
        let norm = clipGradientNorm(graph.gradients, maxNorm: config.maxGradNorm)
        m["actor/grad_norm"] = Double(norm)
        guard loss.isFinite, norm.isFinite else {
          let what = loss.isFinite ? "gradient norm \(norm)" : "loss \(loss)"
          return (
            sums.mapValues { $0 / Double(max(updates, 1)) }.merging(m) { $1 },
            "epoch \(epoch + 1), mini-batch \(g + 1): \(what) is not finite; weights kept"
          )
        }
        optimizer.step(parameters: model.parameters, gradients: graph.gradients)
        updates += 1
        for (k, v) in m { sums[k, default: 0] += v }
      }
    }
    var metrics = sums.mapValues { $0 / Double(max(updates, 1)) }
    metrics["actor/lr"] = Double(optimizer.learningRate)
    return (metrics, nil)
  }
}

/// How far the sampler's log-probabilities are from the recomputed ones (verl
/// `training/rollout_probs_diff_*`): near 0 at temperature 1 unless the decoder and the training
/// graph disagree.
func samplingMismatch(_ trajectories: [Trajectory], recomputed: [[Float]]) -> [String: Double] {
  var sum = 0.0
  var maxDiff = 0.0
  var count = 0
  for (t, values) in zip(trajectories, recomputed)
  where t.samplingLogprobs.count == values.count {
    for (a, b) in zip(t.samplingLogprobs, values) {
      let d = abs(Double(a) - Double(b))
      sum += d
      maxDiff = max(maxDiff, d)
      count += 1
    }
  }
  guard count > 0 else { return [:] }
  return ["rollout/logprob_diff_mean": sum / Double(count), "rollout/logprob_diff_max": maxDiff]
}

/// Parameters and optimizer state at the start of a step, to undo a step that went non-finite.
struct Snapshot {
  let parameters: FloatBuffer
  let m: FloatBuffer
  let v: FloatBuffer
  let step: Int

  init(model: Model, optimizer: AdamW) {
    parameters = FloatBuffer(count: model.parameters.count, zeroed: false)
    parameters.copy(from: model.parameters)
    m = FloatBuffer(count: optimizer.m.count, zeroed: false)
    m.copy(from: optimizer.m)
    v = FloatBuffer(count: optimizer.v.count, zeroed: false)
    v.copy(from: optimizer.v)
    step = optimizer.step
  }

  func restore(model: Model, optimizer: AdamW) {
    model.parameters.copy(from: parameters)
    optimizer.m.copy(from: m)
    optimizer.v.copy(from: v)
    optimizer.step = step
  }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
  let d = ContinuousClock.now - start
  return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
}
