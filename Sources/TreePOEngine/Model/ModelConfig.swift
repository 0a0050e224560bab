// The model's blueprint: immutable, Sendable, read from and written to HF `config.json`.
//
// Size legend used across the engine:
//   V vocab, C hidden, F ffn (intermediate), L layers, NH query heads, NKV key/value heads,
//   HD head dim, B batch (sequences), T positions.

public struct ModelConfig: Sendable, Equatable, Codable {
  public var vocabSize: Int  // V
  public var hiddenSize: Int  // C
  public var intermediateSize: Int  // F
  public var numLayers: Int  // L
  public var numHeads: Int  // NH
  public var numKVHeads: Int  // NKV
  public var headDim: Int  // HD
  public var rmsNormEps: Float
  public var ropeTheta: Float
  public var maxPositions: Int
  public var tieWordEmbeddings: Bool
  public var bosTokenId: Int?
  public var eosTokenId: Int?
  /// More ids that end a completion (configs may list several EOS ids, e.g. end-of-turn).
  public var additionalEosTokenIds: [Int] = []
  /// q/k/v projections carry biases (Qwen2 always; Llama's `attention_bias`).
  public var attentionBias: Bool

  public init(
    vocabSize: Int, hiddenSize: Int, intermediateSize: Int, numLayers: Int, numHeads: Int,
    numKVHeads: Int, headDim: Int? = nil, rmsNormEps: Float = 1e-5, ropeTheta: Float = 10000,
    maxPositions: Int = 128, tieWordEmbeddings: Bool = false, bosTokenId: Int? = nil,
    eosTokenId: Int? = nil, attentionBias: Bool = false
  ) {
    self.vocabSize = vocabSize
    self.hiddenSize = hiddenSize
    self.intermediateSize = intermediateSize
    self.numLayers = numLayers
    self.numHeads = numHeads
    self.numKVHeads = numKVHeads
    self.headDim = headDim ?? hiddenSize / numHeads
    self.rmsNormEps = rmsNormEps
    self.ropeTheta = ropeTheta
    self.maxPositions = maxPositions
    self.tieWordEmbeddings = tieWordEmbeddings
    self.bosTokenId = bosTokenId
    self.eosTokenId = eosTokenId
    self.attentionBias = attentionBias
  }

  // Run configs saved before `attentionBias` existed decode as bias-free.
  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      vocabSize: try c.decode(Int.self, forKey: .vocabSize),
      hiddenSize: try c.decode(Int.self, forKey: .hiddenSize),
      intermediateSize: try c.decode(Int.self, forKey: .intermediateSize),
      numLayers: try c.decode(Int.self, forKey: .numLayers),
      numHeads: try c.decode(Int.self, forKey: .numHeads),
      numKVHeads: try c.decode(Int.self, forKey: .numKVHeads),
      headDim: try c.decode(Int.self, forKey: .headDim),
      rmsNormEps: try c.decode(Float.self, forKey: .rmsNormEps),
      ropeTheta: try c.decode(Float.self, forKey: .ropeTheta),
      maxPositions: try c.decode(Int.self, forKey: .maxPositions),
      tieWordEmbeddings: try c.decode(Bool.self, forKey: .tieWordEmbeddings),
      bosTokenId: try c.decodeIfPresent(Int.self, forKey: .bosTokenId),
      eosTokenId: try c.decodeIfPresent(Int.self, forKey: .eosTokenId),
      attentionBias: try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false)
    additionalEosTokenIds =
      try c.decodeIfPresent([Int].self, forKey: .additionalEosTokenIds) ?? []
  }

  /// Every EOS id, `eosTokenId` first.
  public var eosTokenIds: [Int] { (eosTokenId.map { [$0] } ?? []) + additionalEosTokenIds }

  /// Adds EOS ids not yet known (the first becomes `eosTokenId` when there is none).
  public mutating func addEOS(_ ids: [Int]) {
    for id in ids where !eosTokenIds.contains(id) {
      if eosTokenId == nil { eosTokenId = id } else { additionalEosTokenIds.append(id) }
    }
  }

  /// Width of all query heads together (NH·HD).
  public var qDim: Int { numHeads * headDim }
  /// Width of all key (or value) heads together (NKV·HD).
  public var kvDim: Int { numKVHeads * headDim }
  /// Query heads per key/value head (grouped-query attention).
  public var groupSize: Int { numHeads / numKVHeads }

  /// The configuration of the benchmark model named in the engine issue.
  public static let bench = ModelConfig(
    vocabSize: 512, hiddenSize: 256, intermediateSize: 704, numLayers: 4, numHeads: 8,
    numKVHeads: 4, maxPositions: 128)
}
