// The K-quants: 256 elements per block in 8 sub-blocks of 32 (Q4_K, Q5_K) or 16 of 16 (Q6_K).
//   Q4_K (144 B): f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles;
//     x = (d·scale_j)·q − (dmin·min_j); sub-block j's nibbles are the low (even j) or high (odd j)
//     halves of bytes 32·(j/2) ..< 32·(j/2) + 32.
//   Q5_K (176 B): as Q4_K plus 32 bytes qh before the nibbles; bit j of qh[l] is the fifth bit
//     of element 32·j + l.
//   Q6_K (210 B): 128 bytes low nibbles, 64 bytes high 2-bit pairs, 16 int8 scales, f16 d;
//     x = (d·scale_{e/16})·(q − 32).
// The 12-byte scale block packs eight 6-bit scales and eight 6-bit mins: bytes 0–3 hold scales
// 0–3 (low 6 bits) and the top bits of scales 4–7, bytes 4–7 the same for the mins, bytes 8–11
// the low nibbles of scales 4–7 (low half) and mins 4–7 (high half).

extension GGUFDequantize {
  /// Scale and min of sub-block `j` (0..<8) of a Q4_K/Q5_K scale block at `p`.
  @inline(__always)
  static func scaleMin(_ p: UnsafeRawPointer, _ j: Int) -> (UInt8, UInt8) {
    if j < 4 { return (byte(p, j) & 63, byte(p, j + 4) & 63) }
    let packed = byte(p, j + 4)
    let scale = (packed & 15) | ((byte(p, j - 4) >> 2) & 0x30)
    let minimum = (packed >> 4) | ((byte(p, j) >> 2) & 0x30)
    return (scale, minimum)
  }

  static func q4_K(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ blocks: Int) {
    for b in 0..<blocks {
      let block = s + b * 144
      let out = d + b * 256
      let scale = half(block, 0)
      let minimum = half(block, 2)
      let qs = block + 16
      for j in 0..<8 {
        let (sc, m) = scaleMin(block + 4, j)
        let dl = scale * Float(sc)
        let ml = minimum * Float(m)
        let shift = UInt8(4 * (j & 1))
        let group = qs + 32 * (j >> 1)
        let o = out + 32 * j
        for l in 0..<32 { o[l] = dl * Float((byte(group, l) >> shift) & 15) - ml }
      }
    }
  }

  static func q5_K(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ blocks: Int) {
    for b in 0..<blocks {
      let block = s + b * 176
      let out = d + b * 256
      let scale = half(block, 0)
      let minimum = half(block, 2)
      let qh = block + 16
      let qs = block + 48
      for j in 0..<8 {
        let (sc, m) = scaleMin(block + 4, j)
        let dl = scale * Float(sc)
        let ml = minimum * Float(m)
        let shift = UInt8(4 * (j & 1))
        let group = qs + 32 * (j >> 1)
        let o = out + 32 * j
        for l in 0..<32 {
          let low = (byte(group, l) >> shift) & 15
          let high = ((byte(qh, l) >> UInt8(j)) & 1) << 4
          o[l] = dl * Float(low | high) - ml
        }
      }
    }
  }

  static func q6_K(_ s: UnsafeRawPointer, _ d: UnsafeMutablePointer<Float>, _ blocks: Int) {
    for b in 0..<blocks {
      let block = s + b * 210
      let out = d + b * 256
      let scale = half(block, 208)
      for h in 0..<2 {
        let ql = block + 64 * h
        let qh = block + 128 + 32 * h
        for k in 0..<4 {
          let lowShift = UInt8(4 * (k >> 1))
          let lowBytes = ql + 32 * (k & 1)
          let highShift = UInt8(2 * k)
          let o = out + 128 * h + 32 * k
          // Sub-blocks of 16: elements 128h + 32k + l use scale 8h + 2k + l/16.
          for half16 in 0..<2 {
            let dl =
              scale
              * Float(
                block.load(
                  fromByteOffset: 192 + 8 * h + 2 * k + half16,
                  as: Int8.self))
            for l in (16 * half16)..<(16 * half16 + 16) {
              let low = (byte(lowBytes, l) >> lowShift) & 15
              let high = ((byte(qh, l) >> highShift) & 3) << 4
              o[l] = dl * Float(Int32(low | high) - 32)
            }
          }
        }
      }
    }
  }
}
