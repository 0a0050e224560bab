// Token embedding lookup (and, in backward, scatter-add into the table).

/// out[r, :] = table[tokens[r], :].
public func embeddingForward(
  _ out: UnsafeMutablePointer<Float>,  // [rows, C]
  _ tokens: UnsafePointer<Int32>,  // [rows]
  _ table: UnsafePointer<Float>,  // [V, C]
  rows: Int, channels c: Int, vocab: Int
) {
  for r in 0..<rows {
    let t = Int(tokens[r])
    precondition(
      t >= 0 && t < vocab, "token id \(t) at position \(r) is outside the vocabulary 0..<\(vocab)")
    (out + r * c).update(from: table + t * c, count: c)
  }
}

/// dtable[tokens[r], :] += dout[r, :].
public func embeddingBackward(
  _ dtable: UnsafeMutablePointer<Float>,  // [V, C]
  _ dout: UnsafePointer<Float>,  // [rows, C]
  _ tokens: UnsafePointer<Int32>,  // [rows]
  rows: Int, channels c: Int
) {
  for r in 0..<rows {
    let d = dtable + Int(tokens[r]) * c
    let g = dout + r * c
    for i in 0..<c { d[i] += g[i] }
  }
}
