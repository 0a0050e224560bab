// One forward over the rows laid out by `run`: the flat list of kernel calls of a Llama decoder,
// with K/V written into the pages and attention read from them.

extension DecoderSession {
  func forward(rows n: Int) {
    let config = model.config
    let layout = model.layout
    let w = model.parameters
    let c = config.hiddenSize
    let f = config.intermediateSize
    let qDim = config.qDim
    let kvDim = config.kvDim
    let qkvWidth = qDim + 2 * kvDim
    let eps = config.rmsNormEps

    rowTokens.withUnsafeBufferPointer { tokens in
      embeddingForward(
        x.pointer, tokens.baseAddress!, w.at(layout.embedding), rows: n, channels: c,
        vocab: config.vocabSize)
    }
    for (l, layer) in layout.layers.enumerated() {
      // Attention block.
      rmsNormForward(xn.pointer, nil, x.pointer, w.at(layer.inputNorm), rows: n, channels: c, eps: eps)
      gemm(qkv.pointer, xn.pointer, w.at(layer.q), m: n, n: qkvWidth, k: c, transposeB: true)  // [n, qkv]
      rowPositions.withUnsafeBufferPointer { positions in
        ropeForward(
          qkv.pointer, positions.baseAddress!, model.rope, rows: n, heads: config.numHeads,
          headDim: config.headDim, stride: qkvWidth)
        ropeForward(
          qkv.pointer + qDim, positions.baseAddress!, model.rope, rows: n,
          heads: config.numKVHeads, headDim: config.headDim, stride: qkvWidth)
      }
      storeKeysAndValues(rows: n, layer: l)
      for r in 0..<n { attendRow(r, layer: l) }
      gemm(x.pointer, att.pointer, w.at(layer.o), m: n, n: c, k: qDim, transposeB: true, beta: 1)
      // MLP block.
      rmsNormForward(xn.pointer, nil, x.pointer, w.at(layer.postNorm), rows: n, channels: c, eps: eps)
      gemm(gateUp.pointer, xn.pointer, w.at(layer.gate), m: n, n: 2 * f, k: c, transposeB: true)
      swigluForward(
        hidden.pointer, gateUp.pointer, gateUp.pointer + f, rows: n, n: f, inStride: 2 * f)
      gemm(x.pointer, hidden.pointer, w.at(layer.down), m: n, n: c, k: f, transposeB: true, beta: 1)
    }
    // Final norm and LM head, only for the rows whose logits are wanted (contiguous logits rows).
    var wanted = 0
    var first = -1
    for r in 0..<n where logitRows[r] >= 0 {
      if first < 0 { first = Int(logitRows[r]) }
      rmsNormForward(
        finalRows.at(wanted * c), nil, x.at(r * c), w.at(layout.finalNorm), rows: 1, channels: c,
        eps: eps)
      wanted += 1
    }
    if wanted > 0 {
      gemm(
        logits.at(first * config.vocabSize), finalRows.pointer, w.at(layout.lmHead), m: wanted,
        n: config.vocabSize, k: c, transposeB: true)
    }
  }

  /// Copies each row's (rotated) key and its value into the row's cache slot.
  func storeKeysAndValues(rows n: Int, layer: Int) {
    let qDim = model.config.qDim
    let kvDim = model.config.kvDim
    let qkvWidth = qDim + 2 * kvDim
    let pageSize = cache.pageSize
    for r in 0..<n {
      let position = Int(rowPositions[r])
      let page = planPages[Int(rowPlan[r])][position / pageSize]
      let slot = (position % pageSize) * kvDim
      let src = qkv.at(r * qkvWidth + qDim)
      (cache.pageKeys(page, layer: layer) + slot).update(from: src, count: kvDim)
      (cache.pageValues(page, layer: layer) + slot).update(from: src + kvDim, count: kvDim)
    }
  }

  /// att[r] = softmax(q·Kᵀ/√HD)·V over positions 0...position of row r's sequence, per query head,
  /// with query head h reading KV head h / (NH/NKV). Walks the page table; the query heads of one
  /// KV head are done together so each key and value row is loaded once for the group.
  func attendRow(_ r: Int, layer: Int) {
    let config = model.config
    let hd = config.headDim
    let group = config.groupSize
    let kvDim = config.kvDim
    let qkvWidth = config.qDim + 2 * kvDim
    let pageSize = cache.pageSize
    let length = Int(rowPositions[r]) + 1
    let scale = 1 / Float(hd).squareRoot()
    let maxPositions = config.maxPositions
    let q = qkv.at(r * qkvWidth)
    let out = att.at(r * config.qDim)
    let s = scores.pointer  // [group, maxPositions]
    planPages[Int(rowPlan[r])].withUnsafeBufferPointer { pages in
      for g in 0..<config.numKVHeads {
        // Scores for the group's query heads.
        var t = 0
        for page in pages where t < length {
          let keys = cache.pageKeys(page, layer: layer) + g * hd
          let end = min(pageSize, length - t)
          for slot in 0..<end {
            let k = keys + slot * kvDim
            for i in 0..<group {
              s[i * maxPositions + t + slot] = dotProduct(q + (g * group + i) * hd, k, hd) * scale
            }
          }
          t += end
        }
        for i in 0..<group { softmaxInPlace(s + i * maxPositions, length) }
        // Weighted sum of the values.
        for i in 0..<group { (out + (g * group + i) * hd).update(repeating: 0, count: hd) }
        t = 0
        for page in pages where t < length {
          let values = cache.pageValues(page, layer: layer) + g * hd
          let end = min(pageSize, length - t)
          for slot in 0..<end {
            let v = values + slot * kvDim
            for i in 0..<group {
              addScaled(out + (g * group + i) * hd, v, s[i * maxPositions + t + slot], hd)
            }
          }
          t += end
        }
      }
    }
  }
}

/// a[0..<n] = softmax(a[0..<n]).
@inline(__always)
private func softmaxInPlace(_ a: UnsafeMutablePointer<Float>, _ n: Int) {
  let m = maxElement(a, n)
  for j in 0..<n { a[j] = fastExp(a[j] - m) }
  let inverse = 1 / sumElements(a, n)
  for j in 0..<n { a[j] *= inverse }
}

/// y[0..<n] += alpha·x[0..<n].
@inline(__always)
private func addScaled(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ alpha: Float, _ n: Int)
{
  var i = 0
  let a = SIMD8<Float>(repeating: alpha)
  while i + 8 <= n {
    let yi = UnsafeMutableRawPointer(y + i)
    var sum = yi.loadUnaligned(as: SIMD8<Float>.self)
    sum.addProduct(a, loadSIMD8(x + i))
    yi.storeBytes(of: sum, as: SIMD8<Float>.self)
    i += 8
  }
  while i < n {
    y[i] += alpha * x[i]
    i += 1
  }
}
