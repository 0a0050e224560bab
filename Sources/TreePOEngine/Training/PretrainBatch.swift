// One supervised batch: each sequence is prompt + reference completion, fed as inputs s[0..<L−1]
// with next-token targets s[1..<L], padded to the longest. The loss is the mean negative
// log-probability of the completion's tokens only (the prompt is given, not learned), so the
// backward's seed is dLogprob = −1/N at completion targets and 0 elsewhere.

public struct PretrainBatch: Sendable, Equatable {
  public var batch: Int
  public var length: Int  // T
  public var tokens: [Int32]  // [B, T]
  public var targets: [Int32]  // [B, T]
  public var lengths: [Int]  // [B]
  /// d(loss)/d(target logprob): −1/N at completion targets, 0 at prompt targets and padding.
  public var dLogprob: [Float]  // [B, T]
  /// N, the number of completion targets.
  public var completionTokens: Int

  public init(sequences: [(prompt: [Int], completion: [Int])]) {
    precondition(!sequences.isEmpty, "an empty pre-training batch")
    batch = sequences.count
    lengths = sequences.map { $0.prompt.count + $0.completion.count - 1 }
    length = lengths.max()!
    tokens = [Int32](repeating: 0, count: batch * length)
    targets = tokens
    dLogprob = [Float](repeating: 0, count: batch * length)
    completionTokens = sequences.reduce(0) { $0 + $1.completion.count }
    let scale = -1 / Float(completionTokens)
    for (b, s) in sequences.enumerated() {
      precondition(!s.prompt.isEmpty && !s.completion.isEmpty, "sequence \(b) lacks a part")
      let all = s.prompt + s.completion
      for i in 0..<lengths[b] {
        tokens[b * length + i] = Int32(all[i])
        targets[b * length + i] = Int32(all[i + 1])
        // Target i is token i+1: a completion token once i+1 ≥ prompt length.
        if i + 1 >= s.prompt.count { dLogprob[b * length + i] = scale }
      }
    }
  }

  /// Positions fed through the model (padding excluded).
  public var positions: Int { lengths.reduce(0, +) }
}
