// What sampling and training will allocate, part by part, from sizes alone — before anything is
// built, so a command can refuse sizes that do not fit with one sentence instead of failing to
// allocate. Each part mirrors the allocation it names (MemoryPlanTests builds the real objects
// for small models and checks every part against their buffers). Counted: float buffers and
// compact matrices; left out: per-row index arrays (under 0.1%) and allocator overhead.
// Allocated is not resident: the KV cache is not zero-filled, so only the pages a rollout
// writes count towards the resident size; every other part is zero-filled (touched) when made.

public struct MemoryPlan: Sendable, Equatable {
  public enum Part: String, CaseIterable, Sendable, Comparable {
    /// `Model.parameters` (fp32 masters) and its RoPE table.
    case weights
    /// `Model.decodeWeights`: the bf16 / Q8_0 copy of the matrices decoding reads.
    case decodeCopy = "decode copy"
    /// The policy graph's parameter gradients.
    case gradients
    /// AdamW's two moments.
    case optimizer
    /// Weights and moments kept to undo a step (only with several updates per step).
    case undoCopy = "undo copy"
    /// Activations (and their gradients) of one micro-batch in the policy's training graph.
    case trainingGraph = "training graph"
    /// The KL reference policy: a frozen copy of the weights and its forward-only graph.
    case referenceWeights = "reference weights"
    case referenceGraph = "reference graph"
    /// The rollout's paged KV cache, its decoder's activations, and each live path's logits.
    case kvCache = "KV cache"
    case decoderActivations = "decoder activations"
    case pendingLogits = "pending logits"

    public static func < (a: Part, b: Part) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  public private(set) var bytes: [Part: Int] = [:]

  public init(_ bytes: [Part: Int] = [:]) {
    self.bytes = bytes.filter { $0.value != 0 }
  }

  public var total: Int { bytes.values.reduce(0, +) }
  public subscript(part: Part) -> Int { bytes[part] ?? 0 }

  /// Both plans' parts (parts in both are added: two of them exist at once).
  public static func + (a: MemoryPlan, b: MemoryPlan) -> MemoryPlan {
    MemoryPlan(a.bytes.merging(b.bytes, uniquingKeysWith: +))
  }

  /// This plan without `parts` (e.g. the weights of a model already loaded).
  public func excluding(_ parts: Set<Part>) -> MemoryPlan {
    MemoryPlan(bytes.filter { !parts.contains($0.key) })
  }

  /// "weights 538 MB, decode copy 269 MB, …" in the order of `Part`.
  public var summary: String {
    bytes.sorted { $0.key < $1.key }.map { "\($0.key.rawValue) \(Self.megabytes($0.value))" }
      .joined(separator: ", ")
  }

  static func megabytes(_ bytes: Int) -> String {
    bytes >= 10_000_000 ? "\(bytes / 1_000_000) MB" : "\((bytes + 999) / 1000) kB"
  }

  static let float = MemoryLayout<Float>.stride
}

extension MemoryPlan {
  /// A loaded model: fp32 parameters and RoPE table, plus the compact decode copy in `decode`.
  public static func model(_ config: ModelConfig, decode: DecodeWeightFormat = .fp32)
    -> MemoryPlan
  {
    let layout = ParameterLayout(config)
    return MemoryPlan([
      .weights: weightBytes(config),
      .decodeCopy: DecodeWeights.decodeMatrices(layout).reduce(0) { sum, m in
        let (_, rows, columns) = m
        guard decode != .fp32, CompactMatrix.fits(decode, columns: columns) else { return sum }
        return sum + Int(Double(rows * columns) * decode.bytesPerWeight)
      },
    ])
  }

  /// fp32 parameters and the RoPE table (cos and sin, maxPositions × headDim/2 each).
  static func weightBytes(_ config: ModelConfig) -> Int {
    float * (ParameterLayout(config).count + config.maxPositions * config.headDim)
  }

  /// A rollout of `prompts` prompts × `n` paths as ModelSegmentDecoder sizes it: the KV cache
  /// for paths of `length` positions (prompt + response; default the model's context), the
  /// decoder's activations, and the pending logits of every path that can be alive at once (an
  /// upper bound: n + 2 per prompt).
  public static func rollout(_ config: ModelConfig, prompts: Int, n: Int, length: Int? = nil)
    -> MemoryPlan
  {
    let positions = min(length ?? config.maxPositions, config.maxPositions)
    let pages = ModelSegmentDecoder.pagesNeeded(prompts: prompts, n: n, maxPositions: positions)
    let pageSize = 16
    let maxBatch = min(prompts * n, 512)
    return MemoryPlan([
      .kvCache: float * pages * config.numLayers * 2 * pageSize * config.kvDim,
      .decoderActivations: decoderBytes(
        config, maxBatch: maxBatch,
        rows: ModelSegmentDecoder.maxRows(
          prompts: prompts, maxBatch: maxBatch, length: positions, config)),
      .pendingLogits: float * prompts * (n + 2) * config.vocabSize,
    ])
  }

  /// A DecoderSession's activations for `rows` rows per forward, with its default maxThreads.
  static func decoderBytes(_ config: ModelConfig, maxBatch: Int, rows: Int, maxThreads: Int = 8)
    -> Int
  {
    let c = config.hiddenSize
    let f = config.intermediateSize
    let perRow = 2 * c + (config.qDim + 2 * config.kvDim) + config.qDim + 3 * f
    return float
      * (rows * perRow + maxBatch * (c + config.vocabSize)
        + maxThreads * config.groupSize * config.maxPositions)
  }

  /// A PolicyTrainer with `trainer`'s settings whose graphs hold `length` positions per row
  /// (`PolicyTrainer.graphLength`): gradients, AdamW moments, the micro-batch graph, the undo copy
  /// when a step makes several updates, and the KL reference when klCoef ≠ 0.
  public static func trainer(_ config: ModelConfig, trainer: TrainerConfig, length: Int)
    -> MemoryPlan
  {
    let count = ParameterLayout(config).count
    let batch = trainer.microBatchSize
    let kl = trainer.ppo.klCoef != 0
    return MemoryPlan([
      .gradients: float * count,
      .optimizer: 2 * float * count,
      .undoCopy: trainer.ppoEpochs * trainer.miniBatches > 1 ? 3 * float * count : 0,
      .trainingGraph: float
        * TrainingGraph.activationCount(config, maxBatch: batch, maxLength: length),
      .referenceWeights: kl ? weightBytes(config) : 0,
      .referenceGraph: kl
        ? float
          * TrainingGraph.activationCount(
            config, maxBatch: batch, maxLength: length, forwardOnly: true) : 0,
    ])
  }

  /// A training graph of `batch` × `length` with its gradients and AdamW (the pretrainer's).
  public static func pretrainer(_ config: ModelConfig, batch: Int, length: Int) -> MemoryPlan {
    let count = ParameterLayout(config).count
    return MemoryPlan([
      .gradients: float * count,
      .optimizer: 2 * float * count,
      .trainingGraph: float
        * TrainingGraph.activationCount(config, maxBatch: batch, maxLength: length),
    ])
  }
}
