// GGUF tensors → the engine's flat fp32 buffer (ParameterLayout: HF names, [out, in]).
//
// GGUF stores a matrix with dims [in, out] and rows of `in` elements, which is HF's row-major
// [out, in] byte for byte, so rows are dequantized straight into place. The one reordering:
// llama.cpp's converter interleaves the two halves of every q/k head for its RoPE (row
// h·HD + 2i + s of the file is HF row h·HD + s·HD/2 + i, s ∈ {0, 1}) on `llama` files; the engine's
// RoPE is HF's half-split, so those rows go back where HF had them.
// Work is cut into pieces of ~64K elements, dequantized on `threads` threads.

extension GGUFCheckpoint {
  /// GGUF block names → HF names inside `model.layers.N.`.
  static let blockNames: [(gguf: String, hf: String)] = [
    ("attn_norm", "input_layernorm"), ("attn_q", "self_attn.q_proj"),
    ("attn_k", "self_attn.k_proj"), ("attn_v", "self_attn.v_proj"),
    ("attn_output", "self_attn.o_proj"), ("ffn_norm", "post_attention_layernorm"),
    ("ffn_gate", "mlp.gate_proj"), ("ffn_up", "mlp.up_proj"), ("ffn_down", "mlp.down_proj"),
  ]
  static let topNames: [(gguf: String, hf: String)] = [
    ("token_embd.weight", "model.embed_tokens.weight"), ("output_norm.weight", "model.norm.weight"),
    ("output.weight", "lm_head.weight"),
  ]

  /// The HF name of a GGUF tensor name (nil when it has none).
  public static func hfName(_ name: String) -> String? {
    if let top = topNames.first(where: { $0.gguf == name }) { return top.hf }
    let parts = name.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4, parts[0] == "blk", let layer = Int(parts[1]),
      parts[3] == "weight" || parts[3] == "bias",
      let block = blockNames.first(where: { $0.gguf == parts[2] })
    else { return nil }
    return "model.layers.\(layer).\(block.hf).\(parts[3])"
  }

  /// The GGUF name of an HF name (the inverse of `hfName`).
  public static func ggufName(_ name: String) -> String? {
    if let top = topNames.first(where: { $0.hf == name }) { return top.gguf }
    let prefix = "model.layers."
    guard name.hasPrefix(prefix) else { return nil }
    let rest = name.dropFirst(prefix.count)
    guard let dot = rest.firstIndex(of: "."), let layer = Int(rest[..<dot]) else { return nil }
    let tail = rest[rest.index(after: dot)...]
    for (gguf, hf) in blockNames where tail.hasPrefix(hf + ".") {
      return "blk.\(layer).\(gguf).\(tail.dropFirst(hf.count + 1))"
    }
    return nil
  }

  /// Pairs every layout tensor with its GGUF tensor: all present, none extra, shapes equal,
  /// types supported.
  static func sources(_ file: GGUFFile, config: ModelConfig, architecture: String)
    throws(GGUFError) -> [Source]
  {
    let layout = ParameterLayout(config)
    let specs = Dictionary(uniqueKeysWithValues: layout.tensors.map { ($0.name, $0) })
    var byHF: [String: GGUFFile.TensorInfo] = [:]
    for t in file.tensors {
      guard let hf = hfName(t.name), specs[hf] != nil else {
        throw .unexpectedTensor(path: file.path, tensor: t.name)
      }
      byHF[hf] = t
    }
    var sources: [Source] = []
    for spec in layout.tensors {
      guard let t = byHF[spec.name] else {
        throw .missingTensor(path: file.path, tensor: ggufName(spec.name) ?? spec.name)
      }
      guard t.shape == spec.shape else {
        throw .shapeMismatch(path: file.path, tensor: t.name, found: t.shape, expected: spec.shape)
      }
      guard t.type.isSupported else {
        throw .unsupportedTensorType(path: file.path, tensor: t.name, type: t.type.name)
      }
      var heads = 0
      if architecture == "llama" {
        if t.name.contains(".attn_q.") { heads = config.numHeads }
        if t.name.contains(".attn_k.") { heads = config.numKVHeads }
      }
      sources.append(Source(info: t, spec: spec, permutedHeads: heads))
    }
    return sources
  }

  /// A model with every parameter read from the file.
  public func loadModel(threads: Int = 1) -> Model {
    let model = Model(config: config)
    load(into: model.parameters, threads: threads)
    return model
  }

  /// Dequantizes every tensor into `parameters` (laid out by `ParameterLayout(config)`).
  public func load(into parameters: FloatBuffer, threads: Int = 1) {
    let count = sources.last.map { $0.spec.offset + $0.spec.count } ?? 0
    precondition(
      parameters.count == count, "parameter buffer has \(parameters.count), need \(count)")
    var jobs: [(source: Int, rows: Range<Int>)] = []
    for (i, s) in sources.enumerated() {
      let rows = s.info.rowCount
      let step = max(1, (1 << 16) / s.info.rowLength)
      for first in stride(from: 0, to: rows, by: step) {
        jobs.append((i, first..<min(rows, first + step)))
      }
    }
    let target = UnsafeSendable(parameters)
    parallelRanges(jobs.count, parts: threads, minimumPerPart: 1) { range in
      for j in range { fill(jobs[j].source, rows: jobs[j].rows, into: target.value) }
    }
  }

  private func fill(_ index: Int, rows: Range<Int>, into parameters: FloatBuffer) {
    let s = sources[index]
    let t = s.info
    let rowBytes = t.rowLength / t.type.blockSize * t.type.blockBytes
    let source = file.data(of: t)
    let destination = parameters.at(s.spec.offset)
    if s.permutedHeads == 0 {
      GGUFDequantize.run(
        t.type, from: source + rows.lowerBound * rowBytes,
        into: destination + rows.lowerBound * t.rowLength, count: rows.count * t.rowLength)
    } else if t.dims.count == 1 {
      // A bias: its elements are the rows to reorder.
      var values = [Float](repeating: 0, count: t.rowLength)
      GGUFDequantize.run(t.type, from: source, into: &values, count: t.rowLength)
      for g in 0..<t.rowLength {
        destination[Self.hfRow(g, rows: t.rowLength, heads: s.permutedHeads)] = values[g]
      }
    } else {
      for g in rows {
        let row = Self.hfRow(g, rows: t.rowCount, heads: s.permutedHeads)
        GGUFDequantize.run(
          t.type, from: source + g * rowBytes, into: destination + row * t.rowLength,
          count: t.rowLength)
      }
    }
  }

  /// Where row `g` of a llama.cpp-permuted q/k tensor of `rows` rows and `heads` heads belongs.
  static func hfRow(_ g: Int, rows: Int, heads: Int) -> Int {
    let headSize = rows / heads
    let (head, within) = g.quotientAndRemainder(dividingBy: headSize)
    return head * headSize + (within & 1) * (headSize / 2) + within / 2
  }
}
