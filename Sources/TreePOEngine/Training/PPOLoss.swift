// The PPO surrogate per token, verl's `compute_policy_loss` (vanilla) with dual clip and
// clip-higher, plus the optional k3 KL to a frozen reference and entropy bonus. Returns the loss,
// its gradient with respect to each token's log-probability and entropy (what
// `TrainingGraph.backward` takes), and verl's metrics. Arithmetic in Double: the numbers are few,
// and finite differences pin them.
//
// Sizes: N response tokens of S sequences, laid end to end (`sequenceLengths` sums to N).

public enum LossAggregation: String, Sendable, CaseIterable, Codable {
  /// Mean over every response token of the batch (verl `token-mean`, TreePO's setting).
  case tokenMean = "token-mean"
  /// Mean over sequences of each sequence's token mean (verl `seq-mean-token-mean`).
  case seqMeanTokenMean = "seq-mean-token-mean"
}

public struct PPOConfig: Sendable, Equatable, Codable {
  /// `actor.clip_ratio_low`: the ratio is clipped below at 1 − this.
  public var clipRatioLow: Double = 0.2
  /// `actor.clip_ratio_high`: clipped above at 1 + this (clip-higher).
  public var clipRatioHigh: Double = 0.28
  /// `actor.clip_ratio_c`: dual clip; for A < 0 the loss is capped at −A·c.
  public var clipRatioC: Double = 3
  /// `actor.loss_agg_mode`.
  public var aggregation: LossAggregation = .tokenMean
  /// `actor.kl_loss_coef`: weight of the k3 ("low_var_kl") KL to the reference policy.
  public var klCoef: Double = 0
  /// `actor.entropy_coeff`: the loss subtracts this times the aggregated entropy.
  public var entropyCoef: Double = 0
  public init() {}
}

/// One mini-batch's per-token inputs, each of N values (response tokens only).
public struct PPOTokens: Sendable {
  public var logprobs: [Float]
  public var oldLogprobs: [Float]
  public var advantages: [Float]
  /// Entropy of the current policy at each token (needed only when entropyCoef ≠ 0; also a metric).
  public var entropies: [Float]?
  /// Reference-policy log-probabilities (needed only when klCoef ≠ 0).
  public var refLogprobs: [Float]?
  /// Tokens of each sequence, in order; sums to N.
  public var sequenceLengths: [Int]
  /// Explicit per-token aggregation weights [N], overriding `aggregation` (the trainer passes the
  /// weights of the whole mini-batch when it evaluates one micro-batch).
  public var weights: [Double]?
  public init(
    logprobs: [Float], oldLogprobs: [Float], advantages: [Float], entropies: [Float]? = nil,
    refLogprobs: [Float]? = nil, sequenceLengths: [Int]
  ) {
    self.logprobs = logprobs
    self.oldLogprobs = oldLogprobs
    self.advantages = advantages
    self.entropies = entropies
    self.refLogprobs = refLogprobs
    self.sequenceLengths = sequenceLengths
  }
}

public struct PPOLossResult: Sendable {
  /// pg_loss − entropyCoef·entropy + klCoef·kl, aggregated.
  public var loss: Double
  /// dLoss/dlogπ per token [N].
  public var dLogprob: [Float]
  /// dLoss/dentropy per token [N] (−entropyCoef · aggregation weight), nil when entropyCoef is 0.
  public var dEntropy: [Float]?
  /// verl names without the `actor/` prefix: pg_loss, pg_clipfrac, pg_clipfrac_lower, ppo_kl,
  /// entropy (when given), kl_loss (when klCoef ≠ 0).
  public var metrics: [String: Double]
}

/// Each token's weight in the aggregated mean (sums to 1 over the batch; 0 tokens → empty).
public func aggregationWeights(sequenceLengths: [Int], mode: LossAggregation) -> [Double] {
  let total = sequenceLengths.reduce(0, +)
  switch mode {
  case .tokenMean:
    return [Double](repeating: total > 0 ? 1 / Double(total) : 0, count: total)
  case .seqMeanTokenMean:
    let sequences = sequenceLengths.filter { $0 > 0 }.count
    return sequenceLengths.flatMap { n in
      repeatElement(1 / (Double(n) * Double(sequences)), count: n)
    }
  }
}

public func ppoLoss(_ tokens: PPOTokens, config: PPOConfig) -> PPOLossResult {
  let n = tokens.logprobs.count
  precondition(
    tokens.oldLogprobs.count == n && tokens.advantages.count == n
      && tokens.sequenceLengths.reduce(0, +) == n, "PPO inputs disagree in length")
  let weights =
    tokens.weights
    ?? aggregationWeights(sequenceLengths: tokens.sequenceLengths, mode: config.aggregation)
  precondition(weights.count == n, "PPO weights disagree in length")
  var dLogprob = [Float](repeating: 0, count: n)
  var pgLoss = 0.0
  var clipped = 0
  var clippedLower = 0
  var kl = 0.0
  for i in 0..<n {
    let term = ppoTokenTerm(
      logprob: Double(tokens.logprobs[i]), old: Double(tokens.oldLogprobs[i]),
      advantage: Double(tokens.advantages[i]), config: config)
    pgLoss += weights[i] * term.loss
    dLogprob[i] = Float(weights[i] * term.dLogprob)
    if term.clipped { clipped += 1 }
    if term.clippedLower { clippedLower += 1 }
    kl += Double(tokens.oldLogprobs[i]) - Double(tokens.logprobs[i])
  }
  let perToken = n > 0 ? 1 / Double(n) : 0
  var metrics: [String: Double] = [
    "pg_loss": pgLoss, "pg_clipfrac": Double(clipped) * perToken,
    "pg_clipfrac_lower": Double(clippedLower) * perToken, "ppo_kl": kl * perToken,
  ]
  var loss = pgLoss
  var dEntropy: [Float]?
  if let entropies = tokens.entropies {
    precondition(entropies.count == n, "PPO entropies disagree in length")
    let entropy = zip(weights, entropies).reduce(0) { $0 + $1.0 * Double($1.1) }
    metrics["entropy"] = entropy
    if config.entropyCoef != 0 {
      loss -= config.entropyCoef * entropy
      dEntropy = weights.map { Float(-config.entropyCoef * $0) }
    }
  } else {
    precondition(config.entropyCoef == 0, "an entropy bonus needs the entropies")
  }
  if config.klCoef != 0 {
    guard let reference = tokens.refLogprobs, reference.count == n else {
      preconditionFailure("a KL loss needs the reference log-probabilities")
    }
    var klLoss = 0.0
    for i in 0..<n {
      let term = lowVarKL(logprob: Double(tokens.logprobs[i]), reference: Double(reference[i]))
      klLoss += weights[i] * term.value
      dLogprob[i] += Float(config.klCoef * weights[i] * term.dLogprob)
    }
    metrics["kl_loss"] = klLoss
    loss += config.klCoef * klLoss
  }
  return PPOLossResult(loss: loss, dLogprob: dLogprob, dEntropy: dEntropy, metrics: metrics)
}

/// One token of verl's policy loss: ratio = exp(clamp(logπ − logπ_old, ±20));
/// l = max(−A·ratio, −A·clip(ratio, 1−low, 1+high)); for A < 0, min(l, −A·c).
/// `clipped` is verl's pg_clipfrac indicator (the clipped branch is strictly larger),
/// `clippedLower` its pg_clipfrac_lower indicator (the dual clip is active).
func ppoTokenTerm(logprob: Double, old: Double, advantage a: Double, config: PPOConfig) -> (
  loss: Double, dLogprob: Double, clipped: Bool, clippedLower: Bool
) {
  let logRatio = logprob - old
  let clampedLogRatio = min(max(logRatio, -20), 20)
  let ratio = exp(clampedLogRatio)
  let dRatio = clampedLogRatio == logRatio ? ratio : 0
  let unclipped = -a * ratio
  let clippedRatio = min(max(ratio, 1 - config.clipRatioLow), 1 + config.clipRatioHigh)
  let clippedLoss = -a * clippedRatio
  let clipped = clippedLoss > unclipped
  // When the clipped branch wins, the ratio lies outside the clip range: its gradient is 0.
  var loss = clipped ? clippedLoss : unclipped
  var gradient = clipped ? 0 : -a * dRatio
  var clippedLower = false
  if a < 0 {
    let cap = -a * config.clipRatioC
    if loss > cap {
      clippedLower = true
      loss = cap
      gradient = 0
    }
  }
  return (loss, gradient, clipped, clippedLower)
}

/// verl's `low_var_kl` (k3): kl = clamp(ref − logπ, ±20); value = clamp(exp(kl) − kl − 1, ±10).
func lowVarKL(logprob: Double, reference: Double) -> (value: Double, dLogprob: Double) {
  let raw = reference - logprob
  let kl = min(max(raw, -20), 20)
  let value = exp(kl) - kl - 1
  let clampedValue = min(max(value, -10), 10)
  let active = kl == raw && clampedValue == value
  // d/dlogπ of exp(ref − logπ) − (ref − logπ) − 1 = −exp(kl) + 1.
  return (clampedValue, active ? 1 - exp(kl) : 0)
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
