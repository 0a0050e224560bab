// The flat parameter buffer ⇄ `model.safetensors`, tensor by tensor through the layout's HF
// names.

extension ParameterLayout {
  /// Copies every tensor the layout expects from `file` into `parameters`, after checking that all
  /// are present with the expected shapes and that the file holds nothing else of substance.
  public func load(from file: SafetensorsFile, into parameters: FloatBuffer) throws(CheckpointError)
  {
    precondition(
      parameters.count == count, "parameter buffer has \(parameters.count), need \(count)")
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
      file.read(t, into: parameters.at(spec.offset))
    }
    for t in file.tensors where found[t.name] != nil && !isHarmlessExtra(t) {
      throw .unexpectedTensor(path: file.path, tensor: t.name)
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
