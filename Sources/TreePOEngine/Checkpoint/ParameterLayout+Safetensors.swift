// The flat parameter buffer ⇄ `model.safetensors`, tensor by tensor through the layout's HF
// names.

extension ParameterLayout {
  /// Checks that `files` (one file, or the shards of one checkpoint) hold every tensor the layout
  /// expects with the expected shape, each once, and nothing else of substance. Runs before any
  /// buffer is sized from the config, so a damaged config cannot make the loader allocate absurd
  /// amounts of memory.
  /// `source` names the checkpoint in errors about tensors no file has (the shard index).
  public func validate(_ files: [SafetensorsFile], source: String? = nil) throws(CheckpointError) {
    var found: [String: (file: SafetensorsFile, tensor: SafetensorsFile.Tensor)] = [:]
    for file in files {
      for t in file.tensors {
        if let other = found[t.name] {
          throw .duplicateTensor(path: file.path, tensor: t.name, otherPath: other.file.path)
        }
        found[t.name] = (file, t)
      }
    }
    for spec in tensors {
      guard let (file, t) = found.removeValue(forKey: spec.name) else {
        throw .missingTensor(path: source ?? files.first?.path ?? "", tensor: spec.name)
      }
      guard t.shape == spec.shape else {
        throw .shapeMismatch(
          path: file.path, tensor: spec.name, found: t.shape, expected: spec.shape)
      }
    }
    for (file, t) in found.values where !isHarmlessExtra(t) {
      throw .unexpectedTensor(path: file.path, tensor: t.name)
    }
  }

  public func validate(_ file: SafetensorsFile) throws(CheckpointError) { try validate([file]) }

  /// Validates `files`, then copies every tensor the layout expects into `parameters`.
  public func load(
    from files: [SafetensorsFile], source: String? = nil, into parameters: FloatBuffer
  ) throws(CheckpointError) {
    precondition(
      parameters.count == count, "parameter buffer has \(parameters.count), need \(count)")
    try validate(files, source: source)
    for file in files {
      for t in file.tensors {
        // validate() guarantees each expected tensor is in exactly one file, with its shape.
        if let spec = spec(named: t.name) { file.read(t, into: parameters.at(spec.offset)) }
      }
    }
  }

  public func load(from file: SafetensorsFile, into parameters: FloatBuffer) throws(CheckpointError)
  {
    try load(from: [file], into: parameters)
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
