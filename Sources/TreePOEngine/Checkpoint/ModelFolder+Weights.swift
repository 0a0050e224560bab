// Where a folder's weights are: one `model.safetensors`, or the shards that
// `model.safetensors.index.json` lists in its `weight_map` (what save_pretrained writes for
// checkpoints above its shard size). And the EOS ids of `generation_config.json`.

extension ModelFolder {
  /// The weight files of `folder` (the single file when present, else every shard of the index)
  /// and the file that names them all in errors.
  static func weightFiles(_ folder: String) throws(CheckpointError)
    -> (files: [SafetensorsFile], source: String)
  {
    let single = path(folder, weightsFile)
    let indexPath = path(folder, weightsIndexFile)
    if FileIO.kind(single) == .file || FileIO.kind(indexPath) != .file {
      return ([try SafetensorsFile(path: single)], single)
    }
    var files: [SafetensorsFile] = []
    for name in try shardNames(try FileIO.readAll(indexPath), path: indexPath) {
      files.append(try SafetensorsFile(path: path(folder, name)))
    }
    return (files, indexPath)
  }

  /// The distinct shard file names of an index, in first-mention order.
  static func shardNames(_ bytes: [UInt8], path: String) throws(CheckpointError) -> [String] {
    let json = try JSONValue.parseCheckpointFile(bytes, path: path)
    guard let map = json["weight_map"] else { throw .missingKey(path: path, key: "weight_map") }
    guard case .object(let entries) = map else {
      throw .wrongType(path: path, key: "weight_map", expected: "an object", found: map.typeName)
    }
    var names: [String] = []
    for (tensor, value) in entries {
      guard let name = value.stringValue else {
        throw .wrongType(
          path: path, key: "weight_map.\(tensor)", expected: "a file name", found: value.typeName)
      }
      // Shards sit beside the index: a path elsewhere is damage, not a layout to follow.
      guard !name.isEmpty, !name.contains("/"), name != "..", name != "." else {
        throw .badValue(
          path: path, key: "weight_map.\(tensor)",
          reason: "is \"\(name)\", which is not a file name in the model folder")
      }
      if !names.contains(name) { names.append(name) }
    }
    guard !names.isEmpty else {
      throw .badValue(path: path, key: "weight_map", reason: "is empty")
    }
    return names
  }

  /// The EOS ids of `generation_config.json` (one id or a list; none when absent).
  static func generationEOS(_ bytes: [UInt8], path: String) throws(CheckpointError) -> [Int] {
    let json = try JSONValue.parseCheckpointFile(bytes, path: path)
    guard case .object = json else {
      throw .badJSON(path: path, line: 1, column: 1, reason: "expected an object")
    }
    return try ConfigKeys(json: json, path: path).tokenIds("eos_token_id")
  }
}
