extension TrainingGraph {
  /// Runs the model over `batch` sequences padded to `length` and fills `logits`,
  /// `targetLogprobs` and `entropies`. tokens/targets are [B·T] row-major; values at
  /// padding positions (t ≥ lengths[b]) are ignored and may be anything (e.g. −1).
  public func forward(tokens: [Int32], targets: [Int32], lengths: [Int], batch: Int, length: Int) {
    precondition(
      tokens.count >= batch * length && targets.count >= batch * length,
      "forward needs \(batch)×\(length) tokens and targets, got \(tokens.count) and "
        + "\(targets.count)")
    tokens.withUnsafeBufferPointer { tk in
      targets.withUnsafeBufferPointer { tg in
        forward(
          tokens: tk.baseAddress!, targets: tg.baseAddress!, lengths: lengths, batch: batch,
          length: length)
      }
    }
  }

  public func forward(
    tokens inputTokens: UnsafePointer<Int32>, targets inputTargets: UnsafePointer<Int32>,
    lengths: [Int], batch: Int, length t: Int
  ) {
    let config = model.config
    precondition(batch >= 1 && batch <= maxBatch, "batch \(batch) is outside 1...\(maxBatch)")
    precondition(t >= 1 && t <= maxLength, "length \(t) is outside 1...\(maxLength)")
    precondition(lengths.count == batch, "\(lengths.count) lengths for a batch of \(batch)")
    let v = config.vocabSize
    for (b, len) in lengths.enumerated() {
      precondition(len >= 0 && len <= t, "sequence \(b) has length \(len), outside 0...\(t)")
      for i in 0..<t {
        let r = b * t + i
        let valid = i < len
        tokens[r] = valid ? inputTokens[r] : 0
        targets[r] = valid ? inputTargets[r] : 0
        positions[r] = Int32(i)
        precondition(
          tokens[r] >= 0 && Int(tokens[r]) < v && targets[r] >= 0 && Int(targets[r]) < v,
          "sequence \(b) position \(i): token \(tokens[r]) or target \(targets[r]) is outside "
            + "the vocabulary 0..<\(v)")
      }
    }
    self.batch = batch
    self.length = t
    self.lengths = lengths

    let n = batch * t
    let c = config.hiddenSize
    let f = config.intermediateSize
    let qDim = config.qDim
    let kvDim = config.kvDim
    let qkvDim = qDim + 2 * kvDim
    let eps = config.rmsNormEps
    let w = model.parameters
    let layout = model.layout

    embeddingForward(
      layers[0].resid, tokens, w.at(layout.embedding), rows: n, channels: c, vocab: v)
    for (l, a) in layers.enumerated() {
      let p = layout.layers[l]
      rmsNormForward(a.ln1, a.rms1, a.resid, w.at(p.inputNorm), rows: n, channels: c, eps: eps)
      gemm(a.qkv, a.ln1, w.at(p.q), m: n, n: qkvDim, k: c, transposeB: true)
      ropeForward(
        a.qkv, positions, model.rope, rows: n, heads: config.numHeads, headDim: config.headDim,
        stride: qkvDim)
      ropeForward(
        a.qkv + qDim, positions, model.rope, rows: n, heads: config.numKVHeads,
        headDim: config.headDim, stride: qkvDim)
      for b in 0..<batch {
        let qkv = a.qkv + b * t * qkvDim
        let out = a.attOut + b * t * qDim
        attentionForward(
          out, a.probs + b * config.numHeads * t * t, qkv, qkv + qDim, qkv + qDim + kvDim,
          length: lengths[b], capacity: t, heads: config.numHeads, kvHeads: config.numKVHeads,
          headDim: config.headDim, qStride: qkvDim, kvStride: qkvDim, outStride: qDim)
        // Padding rows: keep them finite and inert.
        (out + lengths[b] * qDim).update(repeating: 0, count: (t - lengths[b]) * qDim)
      }
      a.resid2.update(from: a.resid, count: n * c)
      gemm(a.resid2, a.attOut, w.at(p.o), m: n, n: c, k: qDim, transposeB: true, beta: 1)
      rmsNormForward(a.ln2, a.rms2, a.resid2, w.at(p.postNorm), rows: n, channels: c, eps: eps)
      gemm(a.gateUp, a.ln2, w.at(p.gate), m: n, n: 2 * f, k: c, transposeB: true)
      swigluForward(a.act, a.gateUp, a.gateUp + f, rows: n, n: f, inStride: 2 * f, outStride: f)
      let next = l + 1 < layers.count ? layers[l + 1].resid : finalResid
      next.update(from: a.resid2, count: n * c)
      gemm(next, a.act, w.at(p.down), m: n, n: c, k: f, transposeB: true, beta: 1)
    }
    rmsNormForward(lnf, rmsf, finalResid, w.at(layout.finalNorm), rows: n, channels: c, eps: eps)
    gemm(logits, lnf, w.at(layout.lmHead), m: n, n: v, k: c, transposeB: true)
    logSoftmaxForward(
      logSumExp: logSumExp, entropy: entropies, targetLogprob: targetLogprobs, logits: logits,
      targets: targets, rows: n, vocab: v)
    for (b, len) in lengths.enumerated() where len < t {
      (targetLogprobs + b * t + len).update(repeating: 0, count: t - len)
      (entropies + b * t + len).update(repeating: 0, count: t - len)
    }
  }
}
