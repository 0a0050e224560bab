// One mini-batch's policy gradient, accumulated into the graph's gradients, in either prefix mode.
// Both modes compute the same loss: per-path gives each token of each path its own term; shared
// evaluates, at the first occurrence of a tree position, the terms of every path through it (their
// advantages, old log-probabilities and aggregation weights) and gives the other copies nothing.
// Since a shared position has the same context on every path, its log-probability is the same on
// every path, so the summed gradient is the same (tested: PolicyUpdateTests).

extension PolicyTrainer {
  /// Accumulates d(loss)/d(parameters) of the mini-batch `rows` into `graph.gradients` and returns
  /// its `actor/…` metrics. The caller zeroes the gradients first.
  public func accumulatePolicyGradient(
    _ trajectories: [Trajectory], advantages: AdvantageResult, oldLogprobs: [[Float]],
    referenceLogprobs: [[Float]]? = nil
  ) -> [String: Double] {
    fitGraphs(to: trajectories)
    let batch = PolicyBatch(trajectories, advantages: advantages)
    var none: [[Float]]? = nil
    return accumulatePolicyGradient(
      batch, rows: Array(trajectories.indices), old: oldLogprobs, reference: referenceLogprobs,
      recorded: &none)
  }

  /// The gradient buffer the trainer accumulates into (same layout as the model's parameters).
  public var gradients: FloatBuffer { graph.gradients }

  /// `old` nil: each term's old log-probability is its position's current one (the weights have
  /// not moved), and every response token's log-probability is written into `recorded`.
  func accumulatePolicyGradient(
    _ batch: PolicyBatch, rows: [Int], old: [[Float]]?, reference: [[Float]]?,
    recorded: inout [[Float]]?
  ) -> [String: Double] {
    let ppo = config.ppo
    precondition(
      ppo.klCoef == 0 || reference != nil, "a KL loss needs the reference log-probabilities")
    // Aggregation weights over the whole mini-batch, each path counted (as verl counts them).
    let lengths = rows.map { batch.trajectories[$0].responseTokens.count }
    let flatWeights = aggregationWeights(sequenceLengths: lengths, mode: ppo.aggregation)
    var weights: [Int: ArraySlice<Double>] = [:]
    var cursor = 0
    for (row, n) in zip(rows, lengths) {
      weights[row] = flatWeights[cursor..<(cursor + n)]
      cursor += n
    }
    let inBatch = Set(rows)
    var sums: [String: Double] = [:]
    var tokens = 0
    var trained = 0
    forEachMicroBatch(batch, rows: rows, graph: graph) { chunk, t in
      // Gather the loss terms of this micro-batch: (position in [B·T], path token it stands for).
      var positions: [Int] = []
      var input = PPOTokens(
        logprobs: [], oldLogprobs: [], advantages: [], entropies: [], refLogprobs: [],
        sequenceLengths: [])
      var termWeights: [Double] = []
      for (b, row) in chunk.enumerated() {
        if recorded != nil {
          for j in batch.trajectories[row].responseTokens.indices {
            recorded![row][j] = graph.targetLogprobs[b * t + batch.position(row, j)]
          }
        }
        for j in batch.trajectories[row].responseTokens.indices {
          let here = TokenRef(row: row, index: j)
          let paths: [TokenRef]
          switch config.prefixMode {
          case .perPath: paths = [here]
          case .shared:
            guard batch.canonical[row][j] == here else { continue }
            paths = batch.occurrences[here]!.filter { inBatch.contains($0.row) }
          }
          let p = b * t + batch.position(row, j)
          for path in paths {
            positions.append(p)
            input.logprobs.append(graph.targetLogprobs[p])
            input.entropies!.append(graph.entropies[p])
            input.oldLogprobs.append(old?[path.row][path.index] ?? graph.targetLogprobs[p])
            input.advantages.append(batch.advantages[path.row][path.index])
            input.refLogprobs!.append(reference?[path.row][path.index] ?? 0)
            termWeights.append(weights[path.row]![weights[path.row]!.startIndex + path.index])
          }
        }
      }
      input.sequenceLengths = [positions.count]
      input.weights = termWeights
      let result = ppoLoss(input, config: ppo)
      var dLogprob = [Float](repeating: 0, count: chunk.count * t)
      var dEntropy: [Float]? = result.dEntropy == nil ? nil : dLogprob
      for (i, p) in positions.enumerated() {
        dLogprob[p] += result.dLogprob[i]
        if let h = result.dEntropy { dEntropy![p] += h[i] }
      }
      graph.backward(dLogprob: dLogprob, dEntropy: dEntropy)
      // Weighted sums (pg_loss, entropy, kl_loss) add up; per-token means are token-weighted.
      for key in ["pg_loss", "entropy", "kl_loss"] {
        if let v = result.metrics[key] { sums["actor/" + key, default: 0] += v }
      }
      for key in ["pg_clipfrac", "pg_clipfrac_lower", "ppo_kl"] {
        sums["actor/" + key, default: 0] += result.metrics[key]! * Double(positions.count)
      }
      sums["actor/loss", default: 0] += result.loss
      tokens += positions.count
      trained += Set(positions).count
    }
    for key in ["actor/pg_clipfrac", "actor/pg_clipfrac_lower", "actor/ppo_kl"] {
      sums[key] = (sums[key] ?? 0) / Double(max(tokens, 1))
    }
    if ppo.klCoef != 0 { sums["actor/kl_coef"] = ppo.klCoef }
    sums["actor/terms"] = Double(tokens)
    sums["actor/trained_positions"] = Double(trained)
    return sums
  }
}
