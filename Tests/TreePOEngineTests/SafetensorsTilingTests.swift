import Testing
import TreePOEngine

// A safetensors header whose length is off by a byte once loaded every tensor shifted by that
// byte (eval then scored 0%): the tensors must tile the data section exactly. A shape whose size
// overflows once trapped while formatting its own error.

@Suite struct SafetensorsTilingTests {
  /// A real file as the writer makes it: two F32 tensors, the header padded with spaces to a
  /// multiple of 8 (the second name is lengthened until there is at least one padding space).
  private func written() -> [UInt8] {
    let a: [Float] = [1, 2, 3, 4, 5, 6]
    let b: [Float] = [7, 8]
    for nameLength in 1...8 {
      let bytes = a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
          SafetensorsFile.encode([
            SafetensorsTensor(name: "a", shape: [2, 3], data: pa.baseAddress!),
            SafetensorsTensor(
              name: String(repeating: "b", count: nameLength), shape: [2], data: pb.baseAddress!),
          ])
        }
      }
      var n = 0
      for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
      if bytes[8 + n - 1] == UInt8(ascii: " ") { return bytes }
    }
    Issue.record("the writer never padded the header")
    return []
  }

  private func withHeaderLength(_ bytes: [UInt8], adding delta: Int) -> [UInt8] {
    var out = bytes
    var n = 0
    for i in 0..<8 { n |= Int(bytes[i]) << (8 * i) }
    for i in 0..<8 { out[i] = UInt8(truncatingIfNeeded: (n + delta) >> (8 * i)) }
    return out
  }

  private func message(_ bytes: [UInt8]) -> String {
    failure { () throws(CheckpointError) in
      _ = try SafetensorsFile(bytes: bytes, path: "x.safetensors")
    }
  }

  @Test func theWrittenFileLoads() throws {
    #expect(message(written()) == "no error")
  }

  @Test func aHeaderLengthOneShortIsRefused() {
    // The header's last byte is a padding space, so the JSON still parses; every tensor would
    // start one byte early and one data byte would be left over.
    #expect(
      message(withHeaderLength(written(), adding: -1))
        == "x.safetensors: the tensors cover 32 of the 33 data bytes, so the header length or "
        + "data_offsets are wrong.")
  }

  @Test func aHeaderLengthOneLongIsRefused() {
    // The first data byte (0x00 of 1.0f) becomes part of the header.
    #expect(
      message(withHeaderLength(written(), adding: 1)).hasPrefix(
        "x.safetensors: the safetensors header is not valid JSON at line 1"))
  }

  @Test func aGapBetweenTensorsIsRefused() {
    let header = """
      {"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},\
      "b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}
      """
    #expect(
      message(safetensorsBytes(header: header, dataSize: 12))
        == "x.safetensors: tensor b starts at data byte 8 but tensor a ends at 4, so the header "
        + "length or data_offsets are wrong.")
  }

  @Test func dataBeforeTheFirstTensorIsRefused() {
    let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
    #expect(
      message(safetensorsBytes(header: header, dataSize: 8))
        == "x.safetensors: tensor a starts at data byte 4 but the data starts at 0, so the header "
        + "length or data_offsets are wrong.")
  }

  @Test func bytesAfterTheLastTensorAreRefused() {
    let header = #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
    #expect(
      message(safetensorsBytes(header: header, dataSize: 5))
        == "x.safetensors: the tensors cover 4 of the 5 data bytes, so the header length or "
        + "data_offsets are wrong.")
  }

  @Test func emptyTensorsAndAnEmptyFileTile() {
    let header = """
      {"e":{"dtype":"F32","shape":[0,3],"data_offsets":[4,4]},\
      "a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}
      """
    #expect(message(safetensorsBytes(header: header, dataSize: 4)) == "no error")
    #expect(message(safetensorsBytes(header: "{}", dataSize: 0)) == "no error")
  }

  @Test func anOverflowingShapeIsOneSentence() {
    // 2^62 · 2^62 elements: the element count itself overflows.
    let header =
      #"{"w":{"dtype":"F32","shape":[4611686018427387904,4611686018427387904],"#
      + #""data_offsets":[0,4]}}"#
    #expect(
      message(safetensorsBytes(header: header, dataSize: 4))
        == "x.safetensors: tensor w of shape [4611686018427387904, 4611686018427387904] in F32 "
        + "needs more than 9223372036854775807 bytes but its data_offsets span 4.")
    // 2^62 elements fit in Int, their 4-byte size does not.
    let bytes = #"{"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,4]}}"#
    #expect(
      message(safetensorsBytes(header: bytes, dataSize: 4))
        == "x.safetensors: tensor w of shape [4611686018427387904] in F32 needs more than "
        + "9223372036854775807 bytes but its data_offsets span 4.")
  }
}
