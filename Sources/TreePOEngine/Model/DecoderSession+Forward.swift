import Dispatch

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
      rmsNormForward(
        xn.pointer, nil, x.pointer, w.at(layer.inputNorm), rows: n, channels: c, eps: eps)
      project(qkv.pointer, xn.pointer, weight: layer.q, m: n, n: qkvWidth, k: c)  // [n, q|k|v]
      if let bias = layer.qkvBias {
        addBiasRows(qkv.pointer, w.at(bias), rows: n, width: qkvWidth, stride: qkvWidth)
      }
      rowPositions.withUnsafeBufferPointer { positions in
        ropeForward(
          qkv.pointer, positions.baseAddress!, model.rope, rows: n, heads: config.numHeads,
          headDim: config.headDim, stride: qkvWidth)
        ropeForward(
          qkv.pointer + qDim, positions.baseAddress!, model.rope, rows: n,
          heads: config.numKVHeads, headDim: config.headDim, stride: qkvWidth)
      }
      storeKeysAndValues(rows: n, layer: l)
      parallelRows(n) { r, worker in attendRow(r, layer: l, worker: worker) }
      project(x.pointer, att.pointer, weight: layer.o, m: n, n: c, k: qDim, accumulate: true)
      // MLP block.
      rmsNormForward(
        xn.pointer, nil, x.pointer, w.at(layer.postNorm), rows: n, channels: c, eps: eps)
      project(gateUp.pointer, xn.pointer, weight: layer.gate, m: n, n: 2 * f, k: c)  // [n, gate|up]
      swigluForward(
        hidden.pointer, gateUp.pointer, gateUp.pointer + f, rows: n, n: f, inStride: 2 * f)
      project(x.pointer, hidden.pointer, weight: layer.down, m: n, n: c, k: f, accumulate: true)
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
      project(
        logits.at(first * config.vocabSize), finalRows.pointer, weight: layout.lmHead, m: wanted,
        n: config.vocabSize, k: c)
    }
  }

  /// c [m, n] (+)= a [m, k] · wᵀ with w [n, k] the parameter at flat offset `weight`: over the
  /// compact copy when the model has one (prefill-sized calls too, in blocks of `compactRowBlock`
  /// rows: measured 1.5–1.7× faster than OpenBLAS on the fp32 weights at 96–512 rows on SmolLM2,
  /// docs/benchmarks.md), else the skinny kernel on the fp32 weight for the few rows of a step
  /// and OpenBLAS for larger calls; split by output columns over the worker threads.
  func project(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, weight: Int,
    m: Int, n: Int, k: Int, accumulate: Bool = false
  ) {
    let w = model.parameters.at(weight)
    let compact = m <= compactRowLimit ? model.decodeWeights?.matrix(at: weight) : nil
    guard compact != nil || m <= skinnyRowLimit else {
      gemm(c, a, w, m: m, n: n, k: k, transposeB: true, beta: accumulate ? 1 : 0)
      return
    }
    // A block's rows of `a` stay in L2 while each tile of weights streams past them once. A
    // multiple of 4 rows, so every row goes through the same kernel tile as in one call.
    for start in stride(from: 0, to: m, by: Self.compactRowBlock) {
      projectRows(
        c + start * n, a + start * k, w, compact, m: min(Self.compactRowBlock, m - start), n: n,
        k: k, accumulate: accumulate)
    }
  }

  static let compactRowBlock = 256

  /// `project` for at most `compactRowBlock` rows on the skinny kernels.
  private func projectRows(
    _ c: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ w: UnsafePointer<Float>,
    _ compact: CompactMatrix?, m: Int, n: Int, k: Int, accumulate: Bool
  ) {
    let isa = kernelISA
    let workers = min(threads, max(n / 96, 1))
    // Column blocks in multiples of 4 (the widest kernel's W block).
    // Workers write disjoint column blocks of c and only read a and w.
    let share = workers == 1 ? n : (n / workers + 3) / 4 * 4
    let pointers = UncheckedSendable((c, a, w, compact))
    let work: @Sendable (Int) -> Void = { t in
      let (c, a, w, compact) = pointers.value
      let start = t * share
      let end = t == workers - 1 ? n : min(n, start + share)
      guard start < end else { return }
      if let compact {
        compact.multiply(
          c + start, a, m: m, outputs: start..<end, ldc: n, accumulate: accumulate, isa: isa)
      } else {
        skinnyGemmNT(
          c + start, a, w + start * k, m: m, n: end - start, k: k, accumulate: accumulate, ldc: n)
      }
    }
    if workers == 1 {
      work(0)
    } else {
      DispatchQueue.concurrentPerform(iterations: workers, execute: work)
    }
  }

  /// Runs `body(row, worker)` for rows 0..<n, split into contiguous runs over the worker threads.
  func parallelRows(_ n: Int, _ body: (Int, Int) -> Void) {
    let workers = min(threads, n)
    if workers <= 1 {
      for r in 0..<n { body(r, 0) }
      return
    }
    // Each worker owns its rows' outputs and its own score scratch; the cache is only read.
    withoutActuallyEscaping(body) { body in
      let work = UncheckedSendable(body)
      DispatchQueue.concurrentPerform(iterations: workers) { t in
        for r in stride(from: t, to: n, by: workers) { work.value(r, t) }
      }
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
  func attendRow(_ r: Int, layer: Int, worker: Int) {
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
    let s = scores.at(worker * group * maxPositions)  // [group, maxPositions]
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

/// Hands pointers and closures to worker threads that touch disjoint memory (see each use).
private struct UncheckedSendable<Value>: @unchecked Sendable {
  let value: Value
  init(_ value: Value) { self.value = value }
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
private func addScaled(
  _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ alpha: Float, _ n: Int
) {
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
