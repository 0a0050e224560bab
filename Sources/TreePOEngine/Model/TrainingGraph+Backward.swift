extension TrainingGraph {
  /// Accumulates into `gradients` the gradient of Σ dLogprob·logprob + Σ dEntropy·entropy over
  /// the last forward's positions ([B, T] row-major; padding entries are ignored). Supervised
  /// cross-entropy passes dLogprob = −1/N on completion positions; PPO passes its surrogate's
  /// derivative.
  public func backward(dLogprob: [Float], dEntropy: [Float]? = nil) {
    let n = batch * length
    precondition(dLogprob.count >= n, "backward needs \(n) dLogprob values, got \(dLogprob.count)")
    let entropyCount = dEntropy?.count ?? n
    precondition(entropyCount >= n, "backward needs \(n) dEntropy values, got \(entropyCount)")
    dLogprob.withUnsafeBufferPointer { g in
      if let dEntropy {
        dEntropy.withUnsafeBufferPointer { h in
          backward(dLogprob: g.baseAddress!, dEntropy: h.baseAddress!)
        }
      } else {
        backward(dLogprob: g.baseAddress!, dEntropy: nil)
      }
    }
  }

  public func backward(dLogprob: UnsafePointer<Float>, dEntropy: UnsafePointer<Float>?) {
    precondition(batch > 0, "backward called before forward")
    precondition(!forwardOnly, "backward on a forward-only graph (it keeps no activations for it)")
    let config = model.config
    let t = length
    let n = batch * t
    let c = config.hiddenSize
    let f = config.intermediateSize
    let v = config.vocabSize
    let qDim = config.qDim
    let kvDim = config.kvDim
    let qkvDim = qDim + 2 * kvDim
    let w = model.parameters
    let dw = gradients
    let layout = model.layout
    let parts = self.parts
    let (dLogits, dLn, dResid, dQKV, dAttOut, dGateUp, dAct, dScores, positions) =
      (
        self.dLogits, self.dLn, self.dResid, self.dQKV, self.dAttOut, self.dGateUp, self.dAct,
        self.dScores, self.positions
      )

    // Padding positions get zero gradient whatever the caller passed.
    for (b, len) in lengths.enumerated() {
      for i in 0..<t {
        let r = b * t + i
        dLogprobMasked[r] = i < len ? dLogprob[r] : 0
        dEntropyMasked[r] = i < len ? (dEntropy?[r] ?? 0) : 0
      }
    }
    let (dLogprobMasked, dEntropyMasked, logits, logSumExp, entropies, targets) =
      (
        self.dLogprobMasked, self.dEntropyMasked, self.logits, self.logSumExp, self.entropies,
        self.targets
      )
    let useEntropy = dEntropy != nil
    parallelRanges(n, parts: parts) { r in
      let i = r.lowerBound
      (dLogits + i * v).update(repeating: 0, count: r.count * v)
      logSoftmaxBackward(
        dLogits + i * v, dLogprob: dLogprobMasked + i,
        dEntropy: useEntropy ? dEntropyMasked + i : nil, logits: logits + i * v,
        logSumExp: logSumExp + i, entropy: entropies + i, targets: targets + i, rows: r.count,
        vocab: v)
    }
    // LM head (tied: its gradient lands in the embedding's slot).
    gemm(dLn, dLogits, w.at(layout.lmHead), m: n, n: c, k: v)
    gemm(dw.at(layout.lmHead), dLogits, lnf, m: v, n: c, k: n, transposeA: true, beta: 1)
    dResid.update(repeating: 0, count: n * c)
    rmsNormBackward(
      dResid, dw.at(layout.finalNorm), dLn, finalResid, w.at(layout.finalNorm), rmsf, rows: n,
      channels: c)

    for l in stride(from: layers.count - 1, through: 0, by: -1) {
      let a = layers[l]
      let p = layout.layers[l]
      // MLP: resid_next = resid2 + act·Wdownᵀ.
      gemm(dAct, dResid, w.at(p.down), m: n, n: f, k: c)
      gemm(dw.at(p.down), dResid, a.act, m: c, n: f, k: n, transposeA: true, beta: 1)
      parallelRanges(n, parts: parts) { r in
        let dgu = dGateUp + r.lowerBound * 2 * f
        let gu = a.gateUp + r.lowerBound * 2 * f
        dgu.update(repeating: 0, count: r.count * 2 * f)
        swigluBackward(
          dgu, dgu + f, dAct + r.lowerBound * f, gu, gu + f, rows: r.count, n: f,
          inStride: 2 * f, outStride: f)
      }
      gemm(dLn, dGateUp, w.at(p.gate), m: n, n: c, k: 2 * f)
      gemm(dw.at(p.gate), dGateUp, a.ln2, m: 2 * f, n: c, k: n, transposeA: true, beta: 1)
      rmsNormBackward(
        dResid, dw.at(p.postNorm), dLn, a.resid2, w.at(p.postNorm), a.rms2, rows: n, channels: c)
      // Attention: resid2 = resid + attOut·Woᵀ.
      gemm(dAttOut, dResid, w.at(p.o), m: n, n: qDim, k: c)
      gemm(dw.at(p.o), dResid, a.attOut, m: c, n: qDim, k: n, transposeA: true, beta: 1)
      let lengths = self.lengths
      parallelForEach(batch, parts: parts, largestGEMM: t * t * config.headDim) { b in
        let qkv = a.qkv + b * t * qkvDim
        let dqkv = dQKV + b * t * qkvDim
        dqkv.update(repeating: 0, count: t * qkvDim)
        attentionBackward(
          dqkv, dqkv + qDim, dqkv + qDim + kvDim, dScores + b * t * t, dAttOut + b * t * qDim,
          a.probs + b * config.numHeads * t * t, qkv, qkv + qDim, qkv + qDim + kvDim,
          length: lengths[b], capacity: t, heads: config.numHeads, kvHeads: config.numKVHeads,
          headDim: config.headDim, qStride: qkvDim, kvStride: qkvDim, outStride: qDim)
      }
      parallelRanges(n, parts: parts) { r in
        let x = dQKV + r.lowerBound * qkvDim
        let pos = positions + r.lowerBound
        ropeBackward(
          x, pos, model.rope, rows: r.count, heads: config.numHeads, headDim: config.headDim,
          stride: qkvDim)
        ropeBackward(
          x + qDim, pos, model.rope, rows: r.count, heads: config.numKVHeads,
          headDim: config.headDim, stride: qkvDim)
      }
      if let bias = p.qkvBias {
        accumulateBiasGradient(dw.at(bias), dQKV, rows: n, width: qkvDim, stride: qkvDim)
      }
      gemm(dLn, dQKV, w.at(p.q), m: n, n: c, k: qkvDim)
      gemm(dw.at(p.q), dQKV, a.ln1, m: qkvDim, n: c, k: n, transposeA: true, beta: 1)
      rmsNormBackward(
        dResid, dw.at(p.inputNorm), dLn, a.resid, w.at(p.inputNorm), a.rms1, rows: n, channels: c)
    }
    embeddingBackward(dw.at(layout.embedding), dResid, tokens, rows: n, channels: c)
  }
}
