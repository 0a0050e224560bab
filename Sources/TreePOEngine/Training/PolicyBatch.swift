// A rollout batch laid out for training: each trajectory is one sequence (prompt + response,
// inputs = all but the last token, targets = all but the first), and for every response token the
// first occurrence of the same tree position (same prompt, node and offset in the node), which the
// shared-prefix mode trains once for every path through it.

struct TokenRef: Hashable {
  var row: Int
  var index: Int
}

struct PolicyBatch {
  let trajectories: [Trajectory]
  /// Per trajectory, one advantage per response token.
  let advantages: [[Float]]
  /// Per trajectory and response token: the first occurrence of that tree position in the batch.
  let canonical: [[TokenRef]]
  /// Every occurrence of each canonical position (including itself), in row order.
  let occurrences: [TokenRef: [TokenRef]]
  /// Each node's first occurrence: row, first response index, token count.
  let nodeSpans: [(key: NodeKey, row: Int, start: Int, count: Int)]

  init(_ trajectories: [Trajectory], advantages: AdvantageResult) {
    self.trajectories = trajectories
    self.advantages = advantages.tokenAdvantages
    var first: [NodeKey: TokenRef] = [:]
    var spans: [(key: NodeKey, row: Int, start: Int, count: Int)] = []
    var canonical: [[TokenRef]] = []
    var occurrences: [TokenRef: [TokenRef]] = [:]
    for (row, t) in trajectories.enumerated() {
      precondition(
        t.segmentLengths.reduce(0, +) == t.responseTokens.count
          && t.nodes.count == t.segmentLengths.count,
        "trajectory \(row): segment lengths \(t.segmentLengths) do not match its "
          + "\(t.nodes.count) nodes and \(t.responseTokens.count) response tokens")
      var refs: [TokenRef] = []
      var start = 0
      for (node, length) in zip(t.nodes, t.segmentLengths) {
        let key = NodeKey(prompt: t.prompt, node: node)
        let origin = first[key] ?? TokenRef(row: row, index: start)
        if first[key] == nil {
          first[key] = origin
          spans.append((key, row, start, length))
        }
        for k in 0..<length {
          let ref = TokenRef(row: origin.row, index: origin.index + k)
          refs.append(ref)
          occurrences[ref, default: []].append(TokenRef(row: row, index: start + k))
        }
        start += length
      }
      canonical.append(refs)
    }
    self.canonical = canonical
    self.occurrences = occurrences
    nodeSpans = spans
  }

  /// Tokens of trajectory `row` as (inputs, targets), each prompt + response − 1 long.
  func sequence(_ row: Int) -> (inputs: [Int32], targets: [Int32]) {
    let t = trajectories[row]
    let all = (t.promptTokens + t.responseTokens).map { Int32($0) }
    return (Array(all.dropLast()), Array(all.dropFirst()))
  }

  /// Position (in the input sequence) that predicts response token `index` of `row`.
  func position(_ row: Int, _ index: Int) -> Int {
    trajectories[row].promptTokens.count - 1 + index
  }

  /// Per node, the summed log-probability of its tokens before and after an update.
  func nodeChanges(before: [[Float]], after: [[Float]]) -> [NodeLogprobChange] {
    nodeSpans.map { span in
      let range = span.start..<(span.start + span.count)
      return NodeLogprobChange(
        prompt: span.key.prompt, node: span.key.node,
        before: range.reduce(0) { $0 + before[span.row][$1] },
        after: range.reduce(0) { $0 + after[span.row][$1] })
    }
  }
}

extension PolicyTrainer {
  /// Runs `rows` through `graph` in micro-batches, calling `body` after each forward with the
  /// micro-batch's rows and padded length.
  func forEachMicroBatch(
    _ batch: PolicyBatch, rows: [Int], graph: TrainingGraph,
    _ body: (_ rows: ArraySlice<Int>, _ length: Int) -> Void
  ) {
    var start = 0
    while start < rows.count {
      let chunk = rows[start..<min(start + graph.maxBatch, rows.count)]
      start = chunk.endIndex
      let sequences = chunk.map { batch.sequence($0) }
      let length = sequences.map(\.inputs.count).max() ?? 0
      guard length > 0 else { continue }
      precondition(
        length <= graph.maxLength,
        "a trajectory of \(length + 1) tokens exceeds the training length \(graph.maxLength + 1)")
      var tokens = [Int32](repeating: 0, count: chunk.count * length)
      var targets = tokens
      for (b, s) in sequences.enumerated() {
        for i in s.inputs.indices {
          tokens[b * length + i] = s.inputs[i]
          targets[b * length + i] = s.targets[i]
        }
      }
      graph.forward(
        tokens: tokens, targets: targets, lengths: sequences.map(\.inputs.count),
        batch: chunk.count, length: length)
      body(chunk, length)
      meter?.advance(positions: sequences.reduce(0) { $0 + $1.inputs.count })
    }
  }

  /// Current-policy log-probabilities and entropies of every response token, per trajectory.
  func logprobs(of batch: PolicyBatch, graph: TrainingGraph) -> (
    logprobs: [[Float]], entropies: [[Float]]
  ) {
    var logprobs = batch.trajectories.map { [Float](repeating: 0, count: $0.responseTokens.count) }
    var entropies = logprobs
    forEachMicroBatch(batch, rows: Array(batch.trajectories.indices), graph: graph) { rows, t in
      for (b, row) in rows.enumerated() {
        for j in logprobs[row].indices {
          let p = b * t + batch.position(row, j)
          logprobs[row][j] = graph.targetLogprobs[p]
          entropies[row][j] = graph.entropies[p]
        }
      }
    }
    return (logprobs, entropies)
  }
}
