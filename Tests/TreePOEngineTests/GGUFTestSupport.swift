import Foundation
import Testing
import TreePOEngine

// Builds GGUF bytes field by field, so tests can write valid files and damage exactly one thing.

struct GGUFBytes {
  var bytes: [UInt8] = []

  mutating func u8(_ v: UInt8) { bytes.append(v) }
  mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
  mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes += $0 } }
  mutating func f32(_ v: Float) { u32(v.bitPattern) }
  mutating func string(_ s: String) {
    u64(UInt64(s.utf8.count))
    bytes += Array(s.utf8)
  }
  mutating func pad(to alignment: Int) {
    while bytes.count % alignment != 0 { bytes.append(0) }
  }
}

/// One tensor of a test file: GGUF name, ggml dims (row length first), type, data bytes.
struct GGUFTestTensor {
  var name: String
  var dims: [UInt64]
  var type: UInt32 = 0
  var data: [UInt8]
  /// Written instead of the packed offset when set (to damage the table).
  var offset: UInt64? = nil

  /// An F32 tensor of `dims` filled with `value`s derived from the index.
  static func f32(_ name: String, _ dims: [Int], seed: Float = 0.01) -> GGUFTestTensor {
    let count = dims.reduce(1, *)
    var data: [UInt8] = []
    for i in 0..<count {
      let v = sin(Float(i) * 0.37 + seed) * 0.1
      withUnsafeBytes(of: v.bitPattern.littleEndian) { data += $0 }
    }
    return GGUFTestTensor(name: name, dims: dims.map(UInt64.init), data: data)
  }
}

/// A metadata entry: key, value type id and its encoded value.
struct GGUFTestKV {
  var key: String
  var type: UInt32
  var encode: (inout GGUFBytes) -> Void

  static func u32(_ key: String, _ v: UInt32) -> GGUFTestKV {
    GGUFTestKV(key: key, type: 4) { $0.u32(v) }
  }
  static func f32(_ key: String, _ v: Float) -> GGUFTestKV {
    GGUFTestKV(key: key, type: 6) { $0.f32(v) }
  }
  static func string(_ key: String, _ v: String) -> GGUFTestKV {
    GGUFTestKV(key: key, type: 8) { $0.string(v) }
  }
  static func strings(_ key: String, _ v: [String]) -> GGUFTestKV {
    GGUFTestKV(key: key, type: 9) { b in
      b.u32(8)
      b.u64(UInt64(v.count))
      for s in v { b.string(s) }
    }
  }
}

/// Writes a whole file: header, metadata, tensor infos (offsets packed at `alignment`), data.
func ggufFile(
  version: UInt32 = 3, metadata: [GGUFTestKV], tensors: [GGUFTestTensor], alignment: Int = 32
) -> [UInt8] {
  var b = GGUFBytes()
  b.bytes += Array("GGUF".utf8)
  b.u32(version)
  b.u64(UInt64(tensors.count))
  b.u64(UInt64(metadata.count))
  for kv in metadata {
    b.string(kv.key)
    b.u32(kv.type)
    kv.encode(&b)
  }
  var offset = 0
  for t in tensors {
    b.string(t.name)
    b.u32(UInt32(t.dims.count))
    for d in t.dims { b.u64(d) }
    b.u32(t.type)
    b.u64(t.offset ?? UInt64(offset))
    offset += (t.data.count + alignment - 1) / alignment * alignment
  }
  b.pad(to: alignment)
  for t in tensors {
    b.bytes += t.data
    b.pad(to: alignment)
  }
  return b.bytes
}

/// A complete tiny `llama` file (V 16, C `hidden`, F `ffn`, L 1, 2 heads / 1 KV head) that loads.
func tinyLlamaParts(hidden c: Int = 8, ffn f: Int = 12)
  -> (metadata: [GGUFTestKV], tensors: [GGUFTestTensor])
{
  let metadata: [GGUFTestKV] = [
    .string("general.architecture", "llama"), .u32("llama.context_length", 32),
    .u32("llama.embedding_length", UInt32(c)), .u32("llama.block_count", 1),
    .u32("llama.feed_forward_length", UInt32(f)), .u32("llama.attention.head_count", 2),
    .u32("llama.attention.head_count_kv", 1), .f32("llama.rope.freq_base", 10000),
    .f32("llama.attention.layer_norm_rms_epsilon", 1e-5),
    .string("tokenizer.ggml.model", "gpt2"),
    .strings("tokenizer.ggml.tokens", (0..<16).map { "t\($0)" }),
  ]
  let tensors: [GGUFTestTensor] = [
    .f32("token_embd.weight", [c, 16]), .f32("blk.0.attn_norm.weight", [c]),
    .f32("blk.0.attn_q.weight", [c, c]), .f32("blk.0.attn_k.weight", [c, c / 2]),
    .f32("blk.0.attn_v.weight", [c, c / 2]), .f32("blk.0.attn_output.weight", [c, c]),
    .f32("blk.0.ffn_norm.weight", [c]), .f32("blk.0.ffn_gate.weight", [c, f]),
    .f32("blk.0.ffn_up.weight", [c, f]), .f32("blk.0.ffn_down.weight", [f, c]),
    .f32("output_norm.weight", [c]),
  ]
  return (metadata, tensors)
}

func ggufFixtureURL(_ name: String) throws -> URL {
  let root = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
  return root.appendingPathComponent("Fixtures/gguf").appendingPathComponent(name)
}
