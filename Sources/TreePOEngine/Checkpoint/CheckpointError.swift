// Everything that can be wrong with a model folder, each answered in one sentence that names the
// file and what is wrong (and, where it helps, the tensor, both shapes, or the JSON position).

public enum CheckpointError: Error, Equatable, CustomStringConvertible {
  case missingFolder(path: String)
  case notAFolder(path: String)
  case missingFile(path: String)
  /// The file exists but could not be read or written (permissions, disk full, …).
  case io(path: String, operation: String, reason: String)
  case badJSON(path: String, line: Int, column: Int, reason: String)
  case missingKey(path: String, key: String)
  case wrongType(path: String, key: String, expected: String, found: String)
  /// A key has the right type but a value the engine cannot use.
  case badValue(path: String, key: String, reason: String)
  case tooShort(path: String, size: Int)
  case headerPastEnd(path: String, headerLength: UInt64, fileSize: Int)
  case badHeaderJSON(path: String, line: Int, column: Int, reason: String)
  /// The header parsed as JSON but an entry is not {dtype, shape, data_offsets}.
  case badHeaderEntry(path: String, tensor: String, reason: String)
  case unknownDType(path: String, tensor: String, dtype: String)
  case byteSpanMismatch(path: String, tensor: String, shape: [Int], dtype: String, bytes: Int)
  case offsetsOutOfRange(path: String, tensor: String, begin: Int, end: Int, dataSize: Int)
  case overlappingTensors(path: String, tensor: String, other: String)
  /// Bytes no tensor covers before `tensor` (which starts at `begin`, not at `end`).
  case dataGap(path: String, tensor: String, begin: Int, previous: String?, end: Int)
  /// The tensors end before the file does.
  case trailingData(path: String, covered: Int, dataSize: Int)
  case shapeMismatch(path: String, tensor: String, found: [Int], expected: [Int])
  case missingTensor(path: String, tensor: String)
  case unexpectedTensor(path: String, tensor: String)
  /// Two shards (or one file twice) hold the same tensor.
  case duplicateTensor(path: String, tensor: String, otherPath: String)
  case optimizerSizeMismatch(path: String, found: Int, expected: Int)
  case badTokenizer(path: String, reason: String)

  public var description: String {
    switch self {
    case .missingFolder(let path):
      "\(path): no such model folder."
    case .notAFolder(let path):
      "\(path): is a file, but a model is a folder "
        + "(config.json, model.safetensors, tokenizer.json)."
    case .missingFile(let path):
      "\(path): missing from the model folder."
    case .io(let path, let operation, let reason):
      "\(path): could not \(operation) (\(reason))."
    case .badJSON(let path, let line, let column, let reason):
      "\(path): not valid JSON at line \(line), column \(column) (\(reason))."
    case .missingKey(let path, let key):
      "\(path): the required key \"\(key)\" is missing."
    case .wrongType(let path, let key, let expected, let found):
      "\(path): \"\(key)\" should be \(expected) but is \(found)."
    case .badValue(let path, let key, let reason):
      "\(path): \"\(key)\" \(reason)."
    case .tooShort(let path, let size):
      "\(path): only \(size) bytes, too short for a safetensors file (8-byte header length first)."
    case .headerPastEnd(let path, let headerLength, let fileSize):
      "\(path): the header claims \(headerLength) bytes but the file has only \(fileSize) bytes, "
        + "so it is truncated or not a safetensors file."
    case .badHeaderJSON(let path, let line, let column, let reason):
      "\(path): the safetensors header is not valid JSON at line \(line), column \(column) "
        + "(\(reason))."
    case .badHeaderEntry(let path, let tensor, let reason):
      "\(path): the header entry of tensor \(tensor) \(reason)."
    case .unknownDType(let path, let tensor, let dtype):
      "\(path): tensor \(tensor) has dtype \"\(dtype)\", which the engine cannot read "
        + "(F32, F16 and BF16 are supported)."
    case .byteSpanMismatch(let path, let tensor, let shape, let dtype, let bytes):
      "\(path): tensor \(tensor) of shape \(shape) in \(dtype) needs "
        + (SafetensorsDType(rawValue: dtype)?.byteCount(shape).map { "\($0) bytes" }
          ?? "more than \(Int.max) bytes")
        + " but its data_offsets span \(bytes)."
    case .offsetsOutOfRange(let path, let tensor, let begin, let end, let dataSize):
      "\(path): tensor \(tensor) has data_offsets [\(begin), \(end)] outside the "
        + "\(dataSize) data bytes, so the file is truncated or damaged."
    case .overlappingTensors(let path, let tensor, let other):
      "\(path): the data of tensors \(other) and \(tensor) overlap."
    case .dataGap(let path, let tensor, let begin, let previous, let end):
      "\(path): tensor \(tensor) starts at data byte \(begin) but "
        + (previous.map { "tensor \($0) ends at \(end)" } ?? "the data starts at 0")
        + ", so the header length or data_offsets are wrong."
    case .trailingData(let path, let covered, let dataSize):
      "\(path): the tensors cover \(covered) of the \(dataSize) data bytes, so the header length "
        + "or data_offsets are wrong."
    case .shapeMismatch(let path, let tensor, let found, let expected):
      "\(path): tensor \(tensor) has shape \(found) but config.json implies \(expected)."
    case .missingTensor(let path, let tensor):
      "\(path): tensor \(tensor) is missing."
    case .unexpectedTensor(let path, let tensor):
      "\(path): tensor \(tensor) is not part of this model's config."
    case .duplicateTensor(let path, let tensor, let otherPath):
      "\(path): tensor \(tensor) is also in \(otherPath), so the shards disagree."
    case .optimizerSizeMismatch(let path, let found, let expected):
      "\(path): the optimizer state holds \(found) values per moment but the model has "
        + "\(expected) parameters, so it belongs to another model."
    case .badTokenizer(let path, let reason):
      "\(path): \(reason)."
    }
  }
}

extension JSONValue {
  /// Parses a checkpoint file's JSON (config, index, tokenizer…); a syntax error becomes
  /// `CheckpointError.badJSON` naming `path`, line and column.
  static func parseCheckpointFile(_ bytes: [UInt8], path: String) throws(CheckpointError)
    -> JSONValue
  {
    do {
      return try JSONValue.parse(bytes)
    } catch {
      throw .badJSON(path: path, line: error.line, column: error.column, reason: error.reason)
    }
  }
}
