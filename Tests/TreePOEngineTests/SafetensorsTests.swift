import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

@Suite struct SafetensorsTests {
  @Test func writesAndReadsF32WithMetadata() throws {
    let a: [Float] = [1, -2.5, 3e-8, .greatestFiniteMagnitude, 0, -0.0]
    let b: [Float] = [42]
    let bytes = a.withUnsafeBufferPointer { pa in
      b.withUnsafeBufferPointer { pb in
        SafetensorsFile.encode(
          [
            SafetensorsTensor(name: "a", shape: [2, 3], data: pa.baseAddress!),
            SafetensorsTensor(name: "b", shape: [], data: pb.baseAddress!),
          ], metadata: ["format": "pt", "note": "quote \" and newline\n"])
      }
    }
    #expect((bytes.count - 8 - 6 * 4 - 4) % 8 == 0, "header padded to a multiple of 8")
    let file = try SafetensorsFile(bytes: bytes, path: "mem")
    #expect(file.tensors.map(\.name) == ["a", "b"])
    #expect(file.tensor(named: "a")?.shape == [2, 3])
    #expect(file.tensor(named: "b")?.shape == [])
    expectIdenticalFloats("a", try #require(file.floats(named: "a")), a)
    expectIdenticalFloats("b", try #require(file.floats(named: "b")), [42])
    #expect(file.metadata == ["format": "pt", "note": "quote \" and newline\n"])
  }

  @Test func readsF16AndBF16() throws {
    // F16: 1.0 = 0x3C00, -2.0 = 0xC000, 65504 = 0x7BFF, 2^-24 = 0x0001 (subnormal).
    // BF16: 1.0 = 0x3F80, -2.0 = 0xC000, 3.140625 = 0x4049.
    let header = """
      {"h":{"dtype":"F16","shape":[4],"data_offsets":[0,8]},\
      "b":{"dtype":"BF16","shape":[3],"data_offsets":[8,14]}}
      """
    var bytes = safetensorsBytes(header: header, dataSize: 0)
    let halves: [UInt16] = [0x3C00, 0xC000, 0x7BFF, 0x0001, 0x3F80, 0xC000, 0x4049]
    for h in halves { bytes += [UInt8(h & 0xFF), UInt8(h >> 8)] }
    let file = try SafetensorsFile(bytes: bytes, path: "mem")
    expectIdenticalFloats("h", try #require(file.floats(named: "h")), [1, -2, 65504, 0x1p-24])
    expectIdenticalFloats("b", try #require(file.floats(named: "b")), [1, -2, 3.140625])
  }

  @Test func tooShort() {
    #expect(
      headerFailure([1, 2, 3])
        == "x.safetensors: only 3 bytes, too short for a safetensors file "
        + "(8-byte header length first)."
    )
  }

  @Test func headerLengthPastEndOfFile() {
    var bytes = safetensorsBytes(header: "{}", dataSize: 0)
    bytes[0] = 200
    #expect(
      headerFailure(bytes)
        == "x.safetensors: the header claims 200 bytes but the file has only 10 bytes, so it is "
        + "truncated or not a safetensors file.")
  }

  @Test func headerNotJSON() {
    let bytes = safetensorsBytes(
      header: #"{"a":{"dtype":"F32","shape":[1] "data_offsets":[0,4]}}"#, dataSize: 4)
    #expect(
      headerFailure(bytes)
        == "x.safetensors: the safetensors header is not valid JSON at line 1, column 33 "
        + "(expected ',' or '}' in an object).")
  }

  @Test func headerEntryMalformed() {
    let bytes = safetensorsBytes(
      header: #"{"a":{"dtype":"F32","shape":"3","data_offsets":[0,4]}}"#, dataSize: 4)
    #expect(
      headerFailure(bytes)
        == "x.safetensors: the header entry of tensor a has no \"shape\" array "
        + "of non-negative integers."
    )
  }

  @Test func unknownDType() {
    let bytes = safetensorsBytes(
      header: #"{"w":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#, dataSize: 16)
    #expect(
      headerFailure(bytes)
        == "x.safetensors: tensor w has dtype \"I64\", which the engine cannot read "
        + "(F32, F16 and BF16 are supported).")
  }

  @Test func shapeDisagreesWithByteSpan() {
    let bytes = safetensorsBytes(
      header: #"{"w":{"dtype":"BF16","shape":[2,3],"data_offsets":[0,8]}}"#, dataSize: 8)
    #expect(
      headerFailure(bytes)
        == "x.safetensors: tensor w of shape [2, 3] in BF16 needs 12 bytes "
        + "but its data_offsets span 8."
    )
  }

  @Test func offsetsPastTheData() {
    let bytes = safetensorsBytes(
      header: #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[4,20]}}"#, dataSize: 12)
    #expect(
      headerFailure(bytes)
        == "x.safetensors: tensor w has data_offsets [4, 20] outside the 12 data bytes, "
        + "so the file is truncated or damaged.")
  }

  @Test func overlappingTensors() {
    let header = """
      {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},\
      "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}
      """
    #expect(
      headerFailure(safetensorsBytes(header: header, dataSize: 12))
        == "x.safetensors: the data of tensors a and b overlap.")
  }

  // The weights file against config.json.

  @Test func tensorShapeDisagreesWithConfig() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    var wide = ModelConfig.micro
    wide.intermediateSize = 16
    _ = try s.savedModel("wide", config: wide)
    try FileManager.default.removeItem(at: folder.appendingPathComponent("model.safetensors"))
    try FileManager.default.copyItem(
      at: s.url.appendingPathComponent("wide/model.safetensors"),
      to: folder.appendingPathComponent("model.safetensors"))
    #expect(
      loadFailure(folder)
        == "\(s.path("model/model.safetensors")): tensor model.layers.0.mlp.gate_proj.weight has "
        + "shape [16, 8] but config.json implies [12, 8].")
  }

  @Test func tensorMissing() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    try rewriteWeights(s) { $0.removeAll { $0.name == "model.norm.weight" } }
    #expect(
      loadFailure(folder)
        == "\(s.path("model/model.safetensors")): tensor model.norm.weight is missing.")
  }

  @Test func unexpectedTensor() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    let bias: [Float] = [0, 0, 0, 0, 0, 0, 0, 0]
    try bias.withUnsafeBufferPointer { b in
      try rewriteWeights(s) {
        $0.append(
          SafetensorsTensor(
            name: "model.layers.0.self_attn.q_proj.bias", shape: [8], data: b.baseAddress!))
      }
    }
    #expect(
      loadFailure(folder)
        == "\(s.path("model/model.safetensors")): tensor model.layers.0.self_attn.q_proj.bias is "
        + "not part of this model's config.")
  }

  @Test func harmlessExtrasAreIgnored() throws {
    let s = Scratch()
    let folder = try s.savedModel()
    let invFreq: [Float] = [1, 0.01]
    try invFreq.withUnsafeBufferPointer { b in
      try rewriteWeights(s) {
        $0.append(
          SafetensorsTensor(
            name: "model.layers.0.self_attn.rotary_emb.inv_freq", shape: [2], data: b.baseAddress!))
      }
    }
    #expect(loadFailure(folder) == "no error")
  }

  private func headerFailure(_ bytes: [UInt8]) -> String {
    failure { () throws(CheckpointError) in
      _ = try SafetensorsFile(bytes: bytes, path: "x.safetensors")
    }
  }

  /// Rewrites `model/model.safetensors` from the micro model's tensors after `edit`.
  private func rewriteWeights(_ s: borrowing Scratch, _ edit: (inout [SafetensorsTensor]) -> Void)
    throws
  {
    let layout = ParameterLayout(.micro)
    let parameters = seededParameters(.micro, seed: 7)
    var list = layout.tensors.map {
      SafetensorsTensor(name: $0.name, shape: $0.shape, data: parameters.at($0.offset))
    }
    edit(&list)
    try s.write(SafetensorsFile.encode(list), to: "model/model.safetensors")
  }
}
