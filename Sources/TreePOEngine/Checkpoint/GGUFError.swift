// Everything that can be wrong with a GGUF file, each answered in one sentence that names the file
// and what is wrong: the byte offset for damage, the key or tensor, its type and what is supported.

public enum GGUFError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The file could not be opened, sized or mapped.
  case io(path: String, operation: String, reason: String)
  case badMagic(path: String, found: [UInt8])
  case unsupportedVersion(path: String, version: UInt32)
  /// A read of `needed` bytes at `offset` would pass the end of the file.
  case truncated(path: String, what: String, offset: Int, needed: UInt64, fileSize: Int)
  /// A metadata entry that cannot be a valid GGUF value (bad type id, impossible count, …).
  case badMetadata(path: String, key: String, reason: String)
  case duplicateKey(path: String, key: String)
  /// A tensor-table entry that cannot describe real data (dims, size, offset, alignment).
  case badTensorInfo(path: String, tensor: String, reason: String)
  case unknownTensorType(path: String, tensor: String, typeID: UInt32)
  case duplicateTensor(path: String, tensor: String)
  case overlappingTensors(path: String, tensor: String, other: String)
  /// A key the model needs is absent, or present with another type.
  case missingKey(path: String, key: String)
  case wrongType(path: String, key: String, expected: String, found: String)
  case badValue(path: String, key: String, reason: String)
  case unsupportedArchitecture(path: String, architecture: String)
  case unsupportedTensorType(path: String, tensor: String, type: String)
  case missingTensor(path: String, tensor: String)
  case unexpectedTensor(path: String, tensor: String)
  case shapeMismatch(path: String, tensor: String, found: [Int], expected: [Int])

  public static let supportedArchitectures = ["llama", "qwen2"]

  public var description: String {
    switch self {
    case .io(let path, let operation, let reason):
      "\(path): could not \(operation) (\(reason))."
    case .badMagic(let path, let found):
      "\(path): not a GGUF file (it starts with \(found.map { hex($0) }.joined(separator: " ")), "
        + "not \"GGUF\")."
    case .unsupportedVersion(let path, let version):
      [2, 3].contains(version.byteSwapped)
        ? "\(path): a big-endian GGUF file (version \(version.byteSwapped)), which is not supported."
        : "\(path): GGUF version \(version) is not supported (versions 2 and 3 are)."
    case .truncated(let path, let what, let offset, let needed, let fileSize):
      "\(path): \(what) needs \(needed) bytes at offset \(offset) but the file ends at "
        + "\(fileSize), so it is truncated or damaged."
    case .badMetadata(let path, let key, let reason):
      "\(path): metadata \"\(key)\" \(reason)."
    case .duplicateKey(let path, let key):
      "\(path): metadata key \"\(key)\" appears twice."
    case .badTensorInfo(let path, let tensor, let reason):
      "\(path): tensor \(tensor) \(reason)."
    case .unknownTensorType(let path, let tensor, let typeID):
      "\(path): tensor \(tensor) has the unknown ggml type id \(typeID)."
    case .duplicateTensor(let path, let tensor):
      "\(path): tensor \(tensor) appears twice in the tensor table."
    case .overlappingTensors(let path, let tensor, let other):
      "\(path): the data of tensors \(other) and \(tensor) overlap."
    case .missingKey(let path, let key):
      "\(path): the required metadata key \"\(key)\" is missing."
    case .wrongType(let path, let key, let expected, let found):
      "\(path): metadata \"\(key)\" should be \(expected) but is \(found)."
    case .badValue(let path, let key, let reason):
      "\(path): metadata \"\(key)\" \(reason)."
    case .unsupportedArchitecture(let path, let architecture):
      "\(path): architecture \"\(architecture)\" is not supported (supported: "
        + "\(Self.supportedArchitectures.joined(separator: ", ")))."
    case .unsupportedTensorType(let path, let tensor, let type):
      "\(path): tensor \(tensor) has type \(type), which the engine cannot dequantize (supported: "
        + "\(GGMLType.supported.map(\.name).joined(separator: ", ")))."
    case .missingTensor(let path, let tensor):
      "\(path): tensor \(tensor) is missing."
    case .unexpectedTensor(let path, let tensor):
      "\(path): tensor \(tensor) is not part of a model the engine can run."
    case .shapeMismatch(let path, let tensor, let found, let expected):
      "\(path): tensor \(tensor) has shape \(found) but the metadata implies \(expected)."
    }
  }
}

private func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789ABCDEF")
  return "0x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
}
