// Everything that decides a pre-training run; saved with each checkpoint so `--resume` continues
// the same run (same data order, same schedule).

public struct PretrainConfig: Sendable, Equatable, Codable {
  public var model: ModelConfig
  public var task: String
  /// Problem sizes (Countdown: numbers per problem); step s trains on size sizes[s % count].
  public var minSize: Int
  public var maxSize: Int
  public var batchSize: Int
  public var totalSteps: Int
  public var warmupSteps: Int
  public var learningRate: Float
  public var minLRRatio: Float
  public var weightDecay: Float
  public var gradientClip: Float
  public var seed: UInt64

  public init(
    model: ModelConfig, task: String = "countdown", sizes: ClosedRange<Int> = 3...6,
    batchSize: Int = 32, totalSteps: Int = 1000, warmupSteps: Int = 50,
    learningRate: Float = 2e-3, minLRRatio: Float = 0.1, weightDecay: Float = 0.01,
    gradientClip: Float = 1, seed: UInt64 = 0
  ) {
    self.model = model
    self.task = task
    minSize = sizes.lowerBound
    maxSize = sizes.upperBound
    self.batchSize = batchSize
    self.totalSteps = totalSteps
    self.warmupSteps = warmupSteps
    self.learningRate = learningRate
    self.minLRRatio = minLRRatio
    self.weightDecay = weightDecay
    self.gradientClip = gradientClip
    self.seed = seed
  }

  public var sizes: ClosedRange<Int> { minSize...maxSize }

  public var schedule: LRSchedule {
    LRSchedule(
      peak: learningRate, warmupSteps: min(warmupSteps, totalSteps), totalSteps: totalSteps,
      minRatio: minLRRatio)
  }

  /// The size trained at `step`: one size per batch, so sequences are the same length and no
  /// position is spent on padding (a Countdown trace's length is fixed by its size); sizes rotate.
  public func size(atStep step: Int) -> Int { minSize + step % sizes.count }
}
