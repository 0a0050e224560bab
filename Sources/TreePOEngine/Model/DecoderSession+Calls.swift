// The decoder's public calls. Each validates everything first and then appends to the cache
// atomically, so a call that throws leaves every sequence as it was.

extension DecoderSession {
  /// Appends `tokens` to `seq` (empty or not) in one batched forward and returns the logits [V]
  /// of the last token, i.e. the distribution of the next one.
  public func prefill(_ seq: SequenceID, tokens: [Int]) throws -> UnsafeBufferPointer<Float> {
    try prefill([seq], prompts: [tokens])[0]
  }

  /// Appends `prompts[i]` to `seqs[i]` for every i, all rows in the same GEMMs, and returns the
  /// logits [B, V] of each prompt's last token.
  public func prefill(_ seqs: [SequenceID], prompts: [[Int]]) throws -> LogitsView {
    guard seqs.count == prompts.count else {
      throw DecoderError("prefill got \(seqs.count) sequences but \(prompts.count) prompts")
    }
    return try run(seqs, count: { prompts[$0].count }, token: { prompts[$0][$1] })
  }

  /// Advances every sequence by one token (`tokens[i]` is appended to `seqs[i]`, each at its own
  /// position) and returns the logits [B, V] of the next token of each.
  public func step(_ seqs: [SequenceID], tokens: [Int]) throws -> LogitsView {
    guard seqs.count == tokens.count else {
      throw DecoderError("step got \(seqs.count) sequences but \(tokens.count) tokens")
    }
    return try run(seqs, count: { _ in 1 }, token: { i, _ in tokens[i] })
  }

  /// Checks every chunk, appends them to the cache, lays their tokens out as rows and runs the
  /// forward in pieces of at most `maxRows` rows.
  func run(
    _ seqs: [SequenceID], count: (Int) -> Int, token: (Int, Int) -> Int
  ) throws -> LogitsView {
    let config = model.config
    guard seqs.count <= maxBatch else {
      throw DecoderError(
        "a decoder call got \(seqs.count) sequences but this decoder holds at most \(maxBatch)")
    }
    chunkSeqs.removeAll(keepingCapacity: true)
    chunkCounts.removeAll(keepingCapacity: true)
    for (i, seq) in seqs.enumerated() {
      let n = count(i)
      let length = try cache.length(of: seq)
      guard n > 0 else { throw DecoderError("prompt \(i) for \(seq) is empty") }
      guard length + n <= config.maxPositions else {
        throw DecoderError(
          "\(seq) would grow to \(length + n) positions, beyond the model's "
            + "max_position_embeddings \(config.maxPositions)")
      }
      for j in 0..<n {
        let t = token(i, j)
        guard t >= 0 && t < config.vocabSize else {
          throw DecoderError(
            "token id \(t) at index \(j) of input \(i) is outside the vocabulary "
              + "0..<\(config.vocabSize)")
        }
      }
      chunkSeqs.append(seq)
      chunkCounts.append(n)
    }
    try cache.append(chunkSeqs, counts: chunkCounts)
    if let weights = model.decodeWeights, weights.isStale(model.parameters) {
      weights.refresh(from: model.parameters, threads: threads)
    }

    var rows = 0
    planPages.removeAll(keepingCapacity: true)
    for (i, seq) in seqs.enumerated() {
      let n = chunkCounts[i]
      let start = try cache.length(of: seq) - n
      var j = 0
      while j < n {
        if rows == maxRows {
          forward(rows: rows)
          rows = 0
          planPages.removeAll(keepingCapacity: true)
        }
        // Each piece lists the page tables of the sequences it touches.
        if j == 0 || rows == 0 { planPages.append(try cache.pageTable(of: seq)) }
        rowTokens[rows] = Int32(token(i, j))
        rowPositions[rows] = Int32(start + j)
        rowPlan[rows] = Int32(planPages.count - 1)
        logitRows[rows] = j == n - 1 ? Int32(i) : -1
        rows += 1
        j += 1
      }
    }
    if rows > 0 { forward(rows: rows) }
    return LogitsView(pointer: logits.pointer, rows: seqs.count, vocab: config.vocabSize)
  }
}
