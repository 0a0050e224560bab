// Byte-level BPE (GPT-2, Llama 3, Qwen2, SmolLM2): text → added/special tokens matched first →
// pre-tokenizer pieces → bytes → merges by rank inside each piece. Built from a tokenizer.json
// (BPETokenizer+HF) or from GGUF metadata (BPETokenizer+GGUF); both end in the init below.

public struct BPETokenizer: Tokenizer {
  public let preTokenizer: BPEPreTokenizer
  public let vocabSize: Int
  public let eosId: Int
  public let bosId: Int?
  public let padId: Int?
  /// Whether a raw prompt starts with BOS (`encode(_:addingBOS:)`); chat templates spell it.
  public let addBOS: Bool
  public let stopIds: [Int]
  /// A piece that is itself a token is taken whole, before any merge (Llama 3's ignore_merges).
  public let ignoreMerges: Bool
  /// Text outside added tokens is NFC-normalised first (Qwen2's normalizer).
  public let normalizesNFC: Bool
  /// Vocabulary spellings by id (byte-level characters; added tokens as written).
  public let tokens: [String]
  /// Ids matched verbatim in the text before pre-tokenization, by content.
  public let addedTokens: [Int: String]

  /// Decoded bytes of every id: `tokenStorage[tokenOffsets[id]..<tokenOffsets[id + 1]]`.
  let tokenStorage: [UInt8]
  let tokenOffsets: [Int32]
  /// The single-byte token of each byte, or -1.
  let byteIds: [Int32]
  let merges: PairTable
  /// Every token's bytes → id, when `ignoreMerges` needs it.
  let wholeTokens: BytesTable?
  let added: AddedTokenMatcher
  /// Pieces this long (bytes) merge through a heap instead of the quadratic scan; tests lower it
  /// to run every piece through the heap.
  package var longPieceBytes = 256

  /// - Parameters:
  ///   - tokens: spellings by id; holes (ids no one uses) are empty strings.
  ///   - merges: pairs of spellings in rank order.
  ///   - added: ids matched verbatim before pre-tokenization (their spelling is the text).
  ///   - source: the file named in error sentences.
  public init(
    tokens: [String], merges: [(String, String)], added: [Int], preTokenizer: BPEPreTokenizer,
    ignoreMerges: Bool? = nil, normalizesNFC: Bool = false, bosId: Int?, eosId: Int,
    padId: Int? = nil, addBOS: Bool = false, extraStopIds: [Int] = [], source: String
  ) throws(CheckpointError) {
    let n = tokens.count
    for (name, id) in [("bos", bosId), ("eos", eosId), ("pad", padId)] {
      if let id, !(0..<n).contains(id) {
        throw .badTokenizer(
          path: source, reason: "the \(name) token id \(id) is outside the vocabulary (0..<\(n))")
      }
    }
    let addedSet = Set(added)
    var ids: [String: Int32] = [:]
    ids.reserveCapacity(n)
    var storage: [UInt8] = []
    var offsets: [Int32] = [0]
    offsets.reserveCapacity(n + 1)
    for (id, token) in tokens.enumerated() {
      if addedSet.contains(id) {
        storage += token.utf8
      } else {
        if !token.isEmpty && ids[token] == nil { ids[token] = Int32(id) }
        storage += ByteLevel.bytes(ofSpelling: token) ?? Array(token.utf8)
      }
      offsets.append(Int32(storage.count))
    }
    var byteIds = [Int32](repeating: -1, count: 256)
    for b in 0..<256 {
      byteIds[b] = ids[String(Unicode.Scalar(ByteLevel.byteToScalar[b])!)] ?? -1
    }
    var table = PairTable(capacityFor: merges.count)
    for (rank, (left, right)) in merges.enumerated() {
      guard let a = ids[left], let b = ids[right], let m = ids[left + right] else {
        throw .badTokenizer(
          path: source,
          reason: "merge \(rank) (\"\(left) \(right)\") names a token that is not in the vocabulary"
        )
      }
      table.insert(a, b, rank: Int32(rank), merged: m)
    }
    self.preTokenizer = preTokenizer
    self.vocabSize = n
    self.eosId = eosId
    self.bosId = bosId
    self.padId = padId
    self.addBOS = addBOS && bosId != nil
    self.ignoreMerges = ignoreMerges ?? preTokenizer.ignoresMergesByDefault
    self.normalizesNFC = normalizesNFC
    self.tokens = tokens
    self.addedTokens = Dictionary(added.map { ($0, tokens[$0]) }, uniquingKeysWith: { a, _ in a })
    self.tokenStorage = storage
    self.tokenOffsets = offsets
    self.byteIds = byteIds
    self.merges = table
    self.added = AddedTokenMatcher(added.map { (Array(tokens[$0].utf8), Int32($0)) })
    var stops = [eosId]
    for (id, content) in addedTokens.sorted(by: { $0.key < $1.key })
    where Self.endOfTurnTokens.contains(content) {
      stops.append(id)
    }
    for id in extraStopIds where (0..<n).contains(id) { stops.append(id) }
    var seen = Set<Int>()
    self.stopIds = stops.filter { seen.insert($0).inserted }
    if self.ignoreMerges {
      var whole = BytesTable(capacityFor: n)
      storage.withUnsafeBufferPointer { s in
        let base = s.baseAddress!
        for id in 0..<n where !addedSet.contains(id) && offsets[id + 1] > offsets[id] {
          whole.insert(Int32(id), base + Int(offsets[id]), Int(offsets[id + 1] - offsets[id])) {
            UnsafeBufferPointer(
              start: base + Int(offsets[Int($0)]),
              count: Int(offsets[Int($0) + 1] - offsets[Int($0)]))
          }
        }
      }
      self.wholeTokens = whole
    } else {
      self.wholeTokens = nil
    }
  }

  /// Tokens that end a turn or a document in the chat models this tokenizer serves.
  static let endOfTurnTokens: Set<String> = [
    "<|im_end|>", "<|endoftext|>", "<|eot_id|>", "<|end_of_text|>", "<|eom_id|>",
  ]

  /// The bytes an id decodes to (empty for ids outside the vocabulary).
  public func tokenBytes(_ id: Int) -> [UInt8] {
    guard id >= 0 && id < vocabSize else { return [] }
    return Array(tokenStorage[Int(tokenOffsets[id])..<Int(tokenOffsets[id + 1])])
  }

  /// The id of a vocabulary spelling or added token, if any.
  public func id(ofToken token: String) -> Int? {
    if let id = addedTokens.first(where: { $0.value == token })?.key { return id }
    return tokens.firstIndex(of: token)
  }
}
