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
    let parts = self.parts
    let positions = self.positions

    embeddingForward(
      layers[0].resid, tokens, w.at(layout.embedding), rows: n, channels: c, vocab: v)
    for (l, a) in layers.enumerated() {
      let p = layout.layers[l]
      parallelRanges(n, parts: parts) { r in
        let i = r.lowerBound
        rmsNormForward(
          a.ln1 + i * c, a.rms1 + i, a.resid + i * c, w.at(p.inputNorm), rows: r.count,
          channels: c, eps: eps)
      }
      gemm(a.qkv, a.ln1, w.at(p.q), m: n, n: qkvDim, k: c, transposeB: true)
      if let bias = p.qkvBias {
        parallelRanges(n, parts: parts) { r in
          addBiasRows(
            a.qkv + r.lowerBound * qkvDim, w.at(bias), rows: r.count, width: qkvDim,
            stride: qkvDim)
        }
      }
      parallelRanges(n, parts: parts) { r in
        let x = a.qkv + r.lowerBound * qkvDim
        let pos = positions + r.lowerBound
        ropeForward(
          x, pos, model.rope, rows: r.count, heads: config.numHeads, headDim: config.headDim,
          stride: qkvDim)
        ropeForward(
          x + qDim, pos, model.rope, rows: r.count, heads: config.numKVHeads,
          headDim: config.headDim, stride: qkvDim)
      }
      parallelForEach(batch, parts: parts, largestGEMM: t * t * config.headDim) { b in
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
      parallelRanges(n, parts: parts) { r in
        let i = r.lowerBound
        rmsNormForward(
          a.ln2 + i * c, a.rms2 + i, a.resid2 + i * c, w.at(p.postNorm), rows: r.count,
          channels: c, eps: eps)
      }
      gemm(a.gateUp, a.ln2, w.at(p.gate), m: n, n: 2 * f, k: c, transposeB: true)
      parallelRanges(n, parts: parts) { r in
        let gu = a.gateUp + r.lowerBound * 2 * f
        swigluForward(
          a.act + r.lowerBound * f, gu, gu + f, rows: r.count, n: f, inStride: 2 * f,
          outStride: f)
      }
      let next = l + 1 < layers.count ? layers[l + 1].resid : finalResid
      next.update(from: a.resid2, count: n * c)
      gemm(next, a.act, w.at(p.down), m: n, n: c, k: f, transposeB: true, beta: 1)
    }
    let (lnf, rmsf, finalResid, logits) = (self.lnf, self.rmsf, self.finalResid, self.logits)
    parallelRanges(n, parts: parts) { r in
      let i = r.lowerBound
      rmsNormForward(
        lnf + i * c, rmsf + i, finalResid + i * c, w.at(layout.finalNorm), rows: r.count,
        channels: c, eps: eps)
    }
    gemm(logits, lnf, w.at(layout.lmHead), m: n, n: v, k: c, transposeB: true)
    let (logSumExp, entropies, targetLogprobs, targets) =
      (self.logSumExp, self.entropies, self.targetLogprobs, self.targets)
    parallelRanges(n, parts: parts) { r in
      let i = r.lowerBound
      logSoftmaxForward(
        logSumExp: logSumExp + i, entropy: entropies + i, targetLogprob: targetLogprobs + i,
        logits: logits + i * v, targets: targets + i, rows: r.count, vocab: v)
    }
    for (b, len) in lengths.enumerated() where len < t {
      (targetLogprobs + b * t + len).update(repeating: 0, count: t - len)
      (entropies + b * t + len).update(repeating: 0, count: t - len)
    }
  }
}
