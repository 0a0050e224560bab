// ggml tensor data to fp32, one run of whole blocks at a time.
//
// Each format computes exactly what gguf-py's reference `dequantize` computes, in the same order
// of float32 operations (no fused multiply-add), so the results are bit-identical; the golden test
// GGUFDequantizeTests pins that on random blocks of every type.
//   F32, F16, BF16: one element per block.
//   Q8_0 (34 B / 32): f16 d, 32 × int8 q;            x = q·d
//   Q4_0 (18 B / 32): f16 d, 16 bytes of nibbles;    x = d·(q − 8)
//   Q4_1 (20 B / 32): f16 d, f16 m, 16 bytes;        x = d·q + m
// In Q4_0/Q4_1 byte j holds element j (low nibble) and element j + 16 (high nibble).
// K-quants (256 per block) are in GGUFDequantize+KQuants.swift.

public enum GGUFDequantize {
  /// Dequantizes `count` elements (a multiple of `type.blockSize`) from `source` into
  /// `destination`. `type` must be one of `GGMLType.supported`.
  public static func run(
    _ type: GGMLType, from source: UnsafeRawPointer, into destination: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    precondition(count % type.blockSize == 0, "\(count) elements is not whole \(type) blocks")
    let blocks = count / type.blockSize
    switch type.id {
    case GGMLType.f32.id:
      UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: count * 4)
    case GGMLType.f16.id: f16(source, destination, count)
    case GGMLType.bf16.id: bf16(source, destination, count)
    case GGMLType.q8_0.id: q8_0(source, destination, blocks)
    case GGMLType.q4_0.id: q4_0(source, destination, blocks)
    case GGMLType.q4_1.id: q4_1(source, destination, blocks)
    case GGMLType.q4_K.id: q4_K(source, destination, blocks)
    case GGMLType.q5_K.id: q5_K(source, destination, blocks)
    case GGMLType.q6_K.id: q6_K(source, destination, blocks)
    default: preconditionFailure("\(type) is not a supported type")
    }
  }

  @inline(__always)
  static func half(_ p: UnsafeRawPointer, _ byteOffset: Int) -> Float {
    Float(
      Float16(
        bitPattern: UInt16(
          littleEndian: p.loadUnaligned(
            fromByteOffset: byteOffset,
            as: UInt16.self))))
  }

  @inline(__always)
  static func byte(_ p: UnsafeRawPointer, _ byteOffset: Int) -> UInt8 {
    p.load(fromByteOffset: byteOffset, as: UInt8.self)
  }

  static func f16(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ count: Int) {
    for i in 0..<count { d[i] = half(s, 2 * i) }
  }

  static func bf16(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ count: Int) {
    // bfloat16 is the top half of a float32.
    for i in 0..<count {
      let bits = UInt16(littleEndian: s.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
      d[i] = Float(bitPattern: UInt32(bits) << 16)
    }
  }

  static func q8_0(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ blocks: Int) {
    for b in 0..<blocks {
      let block = s + b * 34
      let out = d + b * 32
      let scale = half(block, 0)
      for j in 0..<32 { out[j] = Float(block.load(fromByteOffset: 2 + j, as: Int8.self)) * scale }
    }
  }

  static func q4_0(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ blocks: Int) {
    for b in 0..<blocks {
      let block = s + b * 18
      let out = d + b * 32
      let scale = half(block, 0)
      for j in 0..<16 {
        let q = byte(block, 2 + j)
        out[j] = scale * Float(Int32(q & 15) - 8)
        out[j + 16] = scale * Float(Int32(q >> 4) - 8)
      }
    }
  }

  static func q4_1(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ blocks: Int) {
    for b in 0..<blocks {
      let block = s + b * 20
      let out = d + b * 32
      let scale = half(block, 0)
      let minimum = half(block, 2)
      for j in 0..<16 {
        let q = byte(block, 4 + j)
        out[j] = scale * Float(q & 15) + minimum
        out[j + 16] = scale * Float(q >> 4) + minimum
      }
    }
  }
}
