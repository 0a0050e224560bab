import Foundation
import Testing
import TreePOEngine

// Damaged GGUF files: each is answered by one sentence that names the file and the fault, never a
// crash, and counts that the file cannot back are refused before anything is reserved for them.

private let path = "/models/damaged.gguf"

/// Parses `bytes` (and, if the header is fine, maps them to a model) and returns the error.
private func failure(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation)
  -> GGUFError?
{
  do {
    let file = try GGUFFile(bytes: bytes, path: path)
    _ = try GGUFCheckpoint(file: file)
    Issue.record("the damaged file was accepted", sourceLocation: sourceLocation)
    return nil
  } catch {
    let text = error.description
    #expect(text.hasPrefix(path + ": "), "\(text)", sourceLocation: sourceLocation)
    #expect(text.hasSuffix("."), "\(text)", sourceLocation: sourceLocation)
    #expect(!text.contains("\n"), "\(text)", sourceLocation: sourceLocation)
    return error
  }
}

private func replacing(
  _ tensors: [GGUFTestTensor], _ name: String, _ change: (inout GGUFTestTensor) -> Void
)
  -> [GGUFTestTensor]
{
  tensors.map { t in
    var t = t
    if t.name == name { change(&t) }
    return t
  }
}

@Test func theUndamagedTinyFileLoads() throws {
  let (metadata, tensors) = tinyLlamaParts()
  let file = try GGUFFile(bytes: ggufFile(metadata: metadata, tensors: tensors), path: path)
  let checkpoint = try GGUFCheckpoint(file: file)
  #expect(checkpoint.config.numLayers == 1 && checkpoint.config.tieWordEmbeddings)
  let model = checkpoint.loadModel(threads: 2)
  let norm = try #require(model.tensor(named: "model.norm.weight"))
  #expect(norm[3] == sin(Float(3) * 0.37 + 0.01) * 0.1)
}

@Test func badMagicVersionAndTruncatedHeader() {
  let (metadata, tensors) = tinyLlamaParts()
  var bytes = ggufFile(metadata: metadata, tensors: tensors)
  bytes[0] = UInt8(ascii: "X")
  #expect(failure(bytes) == .badMagic(path: path, found: Array("XGUF".utf8)))
  #expect(
    failure(ggufFile(version: 1, metadata: metadata, tensors: tensors))
      == .unsupportedVersion(path: path, version: 1))
  var bigEndian = ggufFile(metadata: metadata, tensors: tensors)
  bigEndian.replaceSubrange(4..<8, with: [0, 0, 0, 3])
  #expect(
    failure(bigEndian)?.description
      == "\(path): a big-endian GGUF file (version 3), which is not supported.")
  let twice = ggufFile(metadata: metadata + [metadata[1]], tensors: tensors)
  #expect(failure(twice) == .duplicateKey(path: path, key: "llama.context_length"))
  let cut = Array(ggufFile(metadata: metadata, tensors: tensors).prefix(14))
  #expect(
    failure(cut)
      == .truncated(path: path, what: "the tensor count", offset: 8, needed: 8, fileSize: 14))
  #expect(
    failure([])
      == .truncated(path: path, what: "the magic \"GGUF\"", offset: 0, needed: 4, fileSize: 0))
}

@Test func stringLengthPastTheEnd() {
  var b = GGUFBytes()
  b.bytes += Array("GGUF".utf8)
  b.u32(3)
  b.u64(0)
  b.u64(1)
  b.u64(1 << 40)  // the key's length
  b.bytes += Array("general.architecture".utf8)
  guard case .truncated(_, let what, let offset, let needed, _) = failure(b.bytes) else {
    Issue.record("expected a truncation")
    return
  }
  #expect(what == "the key of metadata entry 0" && offset == 32 && needed == 1 << 40)
}

@Test func countsTheFileCannotHoldAreRefusedBeforeAllocating() {
  // 2^62 array elements or 2^60 tensors would exhaust memory if reserved.
  var metadata = tinyLlamaParts().metadata
  metadata.append(
    GGUFTestKV(key: "huge", type: 9) { b in
      b.u32(0)
      b.u64(1 << 62)
    })
  guard case .truncated(_, let what, _, _, _) = failure(ggufFile(metadata: metadata, tensors: []))
  else {
    Issue.record("expected a truncation")
    return
  }
  #expect(what.contains("elements of \"huge\""))

  var b = GGUFBytes()
  b.bytes += Array("GGUF".utf8)
  b.u32(3)
  b.u64(1 << 60)
  b.u64(0)
  guard case .truncated(_, let what2, _, _, _) = failure(b.bytes) else {
    Issue.record("expected a truncation")
    return
  }
  #expect(what2.contains("tensor infos"))
}

@Test func tensorDataPastTheEnd() {
  let (metadata, tensors) = tinyLlamaParts()
  let bytes = ggufFile(metadata: metadata, tensors: tensors)
  guard case .truncated(_, let what, _, _, _) = failure(Array(bytes.dropLast(16))) else {
    Issue.record("expected a truncation")
    return
  }
  #expect(what == "the data of tensor output_norm.weight")
  let far = replacing(tensors, "blk.0.ffn_up.weight") { $0.offset = 1 << 40 }
  guard
    case .truncated(_, let what2, let offset, _, _) = failure(
      ggufFile(metadata: metadata, tensors: far))
  else {
    Issue.record("expected a truncation")
    return
  }
  #expect(what2 == "the data of tensor blk.0.ffn_up.weight" && offset > 1 << 40)
  let beyond = replacing(tensors, "blk.0.ffn_up.weight") { $0.offset = 1 << 63 }
  #expect(
    failure(ggufFile(metadata: metadata, tensors: beyond))
      == .badTensorInfo(
        path: path, tensor: "blk.0.ffn_up.weight",
        reason: "has data offset 9223372036854775808, past the end of any file"))
}

@Test func tensorTableFaults() {
  let (metadata, tensors) = tinyLlamaParts()
  let fiveDims = replacing(tensors, "output_norm.weight") { $0.dims = [1, 1, 1, 1, 8] }
  #expect(
    failure(ggufFile(metadata: metadata, tensors: fiveDims))
      == .badTensorInfo(
        path: path, tensor: "output_norm.weight", reason: "has 5 dimensions (1 to 4 allowed)"))
  let overflow = replacing(tensors, "output_norm.weight") { $0.dims = [1 << 32, 1 << 32, 4] }
  guard
    case .badTensorInfo(_, "output_norm.weight", let reason) =
      failure(ggufFile(metadata: metadata, tensors: overflow))
  else {
    Issue.record("expected a tensor-info error")
    return
  }
  #expect(reason.contains("element count overflows"))
  let unknown = replacing(tensors, "output_norm.weight") { $0.type = 99 }
  #expect(
    failure(ggufFile(metadata: metadata, tensors: unknown))
      == .unknownTensorType(path: path, tensor: "output_norm.weight", typeID: 99))
  let twice = tensors + [tensors[1]]
  #expect(
    failure(ggufFile(metadata: metadata, tensors: twice))
      == .duplicateTensor(path: path, tensor: "blk.0.attn_norm.weight"))
}

@Test func misalignedTensorData() {
  let (metadata, tensors) = tinyLlamaParts()
  let shifted = replacing(tensors, "blk.0.attn_norm.weight") { $0.offset = 512 + 4 }
  #expect(
    failure(ggufFile(metadata: metadata, tensors: shifted))
      == .badTensorInfo(
        path: path, tensor: "blk.0.attn_norm.weight",
        reason: "has data offset 516, not a multiple of the alignment 32"))
  var aligned16 = metadata
  aligned16.append(.u32("general.alignment", 16))
  let at16 = ggufFile(
    metadata: aligned16,
    tensors: shifted.map { t in
      var t = t
      if t.offset != nil { t.offset = 512 + 16 }
      return t
    }, alignment: 16)
  // Offset 528 is aligned to 16 but overlaps the next tensor's data at 544.
  #expect(
    failure(at16)
      == .overlappingTensors(
        path: path, tensor: "blk.0.attn_q.weight", other: "blk.0.attn_norm.weight"))
}

@Test func shapeOtherThanTheConfigImplies() {
  let (metadata, tensors) = tinyLlamaParts()
  let wrong = replacing(tensors, "blk.0.attn_k.weight") { $0 = .f32($0.name, [8, 8]) }
  #expect(
    failure(ggufFile(metadata: metadata, tensors: wrong))
      == .shapeMismatch(
        path: path, tensor: "blk.0.attn_k.weight", found: [8, 8], expected: [4, 8]))
}

@Test func unsupportedTypeAndArchitectureNameWhatIsSupported() throws {
  // Q5_0 parses (ggml's block geometry is known) but is not dequantized; rows of 32 needed.
  let (metadata, tensors) = tinyLlamaParts(hidden: 32, ffn: 32)
  let q5 = replacing(tensors, "token_embd.weight") { t in
    t = GGUFTestTensor(
      name: t.name, dims: [32, 16], type: 6, data: [UInt8](repeating: 0, count: 16 * 22))
  }
  let typeError = failure(ggufFile(metadata: metadata, tensors: q5))
  #expect(
    typeError == .unsupportedTensorType(path: path, tensor: "token_embd.weight", type: "Q5_0"))
  #expect(
    typeError?.description.hasSuffix(
      "(supported: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q4_K, Q5_K, Q6_K).") == true)

  let gemma = metadata.map { kv in
    kv.key == "general.architecture" ? .string("general.architecture", "gemma") : kv
  }
  let archError = failure(ggufFile(metadata: gemma, tensors: tensors))
  #expect(archError == .unsupportedArchitecture(path: path, architecture: "gemma"))
  #expect(archError?.description.contains("(supported: llama, qwen2)") == true)
}
