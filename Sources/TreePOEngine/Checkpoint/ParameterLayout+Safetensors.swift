// The flat parameter buffer ⇄ `model.safetensors`, tensor by tensor through the layout's HF
// names.

extension ParameterLayout {
  /// Checks that `file` holds every tensor the layout expects with the expected shape, and
  /// nothing else of substance. Runs before any buffer is sized from the config, so a damaged
  /// config cannot make the loader allocate absurd amounts of memory.
  public func validate(_ file: SafetensorsFile) throws(CheckpointError) {
    var found: [String: SafetensorsFile.Tensor] = [:]
    for t in file.tensors { found[t.name] = t }
    for spec in tensors {
      guard let t = found.removeValue(forKey: spec.name) else {
        throw .missingTensor(path: file.path, tensor: spec.name)
      }
      guard t.shape == spec.shape else {
        throw .shapeMismatch(
          path: file.path, tensor: spec.name, found: t.shape, expected: spec.shape)
      }
    }
    for t in file.tensors where found[t.name] != nil && !isHarmlessExtra(t) {
      throw .unexpectedTensor(path: file.path, tensor: t.name)
    }
  }

  /// Validates `file`, then copies every tensor the layout expects into `parameters`.
  public func load(from file: SafetensorsFile, into parameters: FloatBuffer) throws(CheckpointError)
  {
    precondition(
      parameters.count == count, "parameter buffer has \(parameters.count), need \(count)")
    try validate(file)
    for spec in tensors {
      // validate() guarantees presence and shape.
      if let t = file.tensor(named: spec.name) { file.read(t, into: parameters.at(spec.offset)) }
    }
  }

  /// Tensors HF checkpoints may carry that the engine recomputes or ties: RoPE's inverse
  /// frequencies, and a copy of the embedding as `lm_head.weight` when the embedding is tied.
  private func isHarmlessExtra(_ t: SafetensorsFile.Tensor) -> Bool {
    if t.name.hasSuffix("rotary_emb.inv_freq") { return true }
    return config.tieWordEmbeddings && t.name == "lm_head.weight"
      && t.shape == [config.vocabSize, config.hiddenSize]
  }

  /// The bytes of `model.safetensors` for `parameters` (F32, layout order, `format: pt` metadata
  /// as transformers writes it).
  public func safetensors(_ parameters: FloatBuffer) -> [UInt8] {
    precondition(
      parameters.count == count, "parameter buffer has \(parameters.count), need \(count)")
    let list = tensors.map {
      SafetensorsTensor(name: $0.name, shape: $0.shape, data: parameters.at($0.offset))
    }
    return SafetensorsFile.encode(list, metadata: ["format": "pt"])
  }
}
