// Picks the next token from one row of logits [V], and reports what rollout and training need.
//
// Order (as HF/vLLM/verl): temperature scales the logits; top-k keeps the k most likely tokens;
// top-p keeps the smallest most-likely prefix of those whose renormalised mass reaches p; the token
// is drawn from what is left, renormalised. Three numbers come back with the token:
//   - `logprob`: log softmax(logits / T)[token] — the model's distribution after temperature, before
//     any truncation. This is what verl stores as the rollout log-probability and what training
//     recomputes as the old policy (it scales logits by the same temperature).
//   - `samplingLogprob`: log-probability under the truncated, renormalised distribution the token
//     was actually drawn from (equals `logprob` when neither top-k nor top-p removes anything).
//   - `entropy`: entropy in nats of softmax(logits / T), the model's distribution (not truncated).
// Greedy (temperature 0) takes the arg-max (lowest id on ties); its `logprob` and `entropy` are
// those of softmax(logits) at temperature 1 and its `samplingLogprob` is 0 (a certain choice).
//
// The sampler owns its seeded generator; `choose(_:coin:)` is the pure part and takes the uniform
// draw as an argument, so a given coin always gives the same token.

public struct SamplingConfig: Sendable, Equatable, Codable {
  /// 0 means greedy.
  public var temperature: Float
  /// Keep only the k most likely tokens; 0 turns top-k off.
  public var topK: Int
  /// Keep the smallest set of most likely tokens with mass ≥ p; 1 turns top-p off.
  public var topP: Float

  public init(temperature: Float = 1, topK: Int = 0, topP: Float = 1) {
    self.temperature = temperature
    self.topK = topK
    self.topP = topP
  }

  public static let greedy = SamplingConfig(temperature: 0)
  public var isGreedy: Bool { temperature <= 0 }
}

public struct SampledToken: Sendable, Equatable {
  public var token: Int
  /// log softmax(logits / T)[token]: the model's log-probability (verl's rollout logprob).
  public var logprob: Float
  /// Log-probability under the truncated distribution the token was drawn from.
  public var samplingLogprob: Float
  /// Entropy of softmax(logits / T) in nats.
  public var entropy: Float

  public init(token: Int, logprob: Float, samplingLogprob: Float, entropy: Float) {
    self.token = token
    self.logprob = logprob
    self.samplingLogprob = samplingLogprob
    self.entropy = entropy
  }
}

public struct TokenSampler: Sendable {
  public var config: SamplingConfig
  public var random: SeededRandom
  // Scratch reused across calls: probabilities [V] and candidate ids sorted by probability.
  private var probs: [Float] = []
  private var order: [Int32] = []

  public init(config: SamplingConfig = SamplingConfig(), seed: UInt64) {
    precondition(config.topK >= 0, "top-k must be ≥ 0, got \(config.topK)")
    precondition(config.topP > 0 && config.topP <= 1, "top-p must be in (0, 1], got \(config.topP)")
    self.config = config
    self.random = SeededRandom(seed: seed)
  }

  /// Samples a token from `logits` [V] with the sampler's own generator.
  public mutating func sample(_ logits: UnsafeBufferPointer<Float>) -> SampledToken {
    let coin = config.isGreedy ? 0 : random.nextUniform()
    return choose(logits, coin: coin)
  }

  /// The token that the uniform draw `coin` ∈ [0, 1) selects from `logits` [V].
  public mutating func choose(_ logits: UnsafeBufferPointer<Float>, coin: Float) -> SampledToken {
    let v = logits.count
    precondition(v > 0, "empty logits")
    if probs.count != v {
      probs = [Float](repeating: 0, count: v)
      order = [Int32](repeating: 0, count: v)
    }
    let temperature = config.isGreedy ? 1 : config.temperature
    return probs.withUnsafeMutableBufferPointer { probs in
      let (logZ, entropy) = Self.softmax(probs, logits, temperature: temperature)
      if config.isGreedy {
        let token = Self.argmax(logits)
        return SampledToken(
          token: token, logprob: logits[token] - logZ, samplingLogprob: 0, entropy: entropy)
      }
      let truncates = (config.topK > 0 && config.topK < v) || config.topP < 1
      let (token, kept) =
        truncates
        ? order.withUnsafeMutableBufferPointer {
          Self.drawTruncated(probs, order: $0, topK: config.topK, topP: config.topP, coin: coin)
        }
        : (Self.draw(probs, coin: coin), Float(1))
      let logprob = logits[token] / temperature - logZ
      return SampledToken(
        token: token, logprob: logprob, samplingLogprob: truncates ? logprob - log(kept) : logprob,
        entropy: entropy)
    }
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
