#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Rotary position embedding in HF Llama's half-split layout: with h = HD/2,
//   y[i]   = x[i]·cos_i − x[i+h]·sin_i,  y[i+h] = x[i+h]·cos_i + x[i]·sin_i   (i < h),
// i.e. y = x·cos + rotate_half(x)·sin with rotate_half(x) = cat(−x2, x1), angle_i = pos·θ^(−2i/HD).

/// cos/sin of every (position, frequency) pair, computed the way HF does (inverse frequencies and
/// angles in Float, so golden fixtures match to rounding).
public final class RopeTable: Sendable {
  public let maxPositions: Int
  public let half: Int  // HD/2
  public let cos: FloatBuffer  // [maxPositions, HD/2]
  public let sin: FloatBuffer  // [maxPositions, HD/2]

  public init(_ config: ModelConfig) {
    maxPositions = config.maxPositions
    half = config.headDim / 2
    cos = FloatBuffer(count: maxPositions * half)
    sin = FloatBuffer(count: maxPositions * half)
    let hd = Float(config.headDim)
    for i in 0..<half {
      let invFreq = 1 / Float(powf(config.ropeTheta, Float(2 * i) / hd))
      for p in 0..<maxPositions {
        let angle = Double(Float(p) * invFreq)
        cos[p * half + i] = Float(doubleCos(angle))
        sin[p * half + i] = Float(doubleSin(angle))
      }
    }
  }
}

// File-scope names: inside RopeTable, `cos`/`sin` mean the tables.
@inline(__always) private func doubleCos(_ x: Double) -> Double { cos(x) }
@inline(__always) private func doubleSin(_ x: Double) -> Double { sin(x) }

/// Rotates, in place, every head of every row by its row's position.
public func ropeForward(
  _ x: UnsafeMutablePointer<Float>,  // [rows, heads·HD], row stride `stride`
  _ positions: UnsafePointer<Int32>,  // [rows]
  _ table: RopeTable,
  rows: Int, heads: Int, headDim: Int, stride: Int? = nil
) {
  let h = headDim / 2
  let stride = stride ?? heads * headDim
  for r in 0..<rows {
    let p = Int(positions[r])
    precondition(
      p >= 0 && p < table.maxPositions,
      "position \(p) is outside the RoPE table (max_position_embeddings \(table.maxPositions))")
    let cs = table.cos.pointer + p * h
    let sn = table.sin.pointer + p * h
    for head in 0..<heads {
      let v = x + r * stride + head * headDim
      for i in 0..<h {
        let a = v[i]
        let b = v[i + h]
        v[i] = a * cs[i] - b * sn[i]
        v[i + h] = b * cs[i] + a * sn[i]
      }
    }
  }
}

/// The rotation is orthogonal, so the gradient is rotated back by −angle, in place:
/// dx[i] = dy[i]·cos + dy[i+h]·sin, dx[i+h] = dy[i+h]·cos − dy[i]·sin.
public func ropeBackward(
  _ dx: UnsafeMutablePointer<Float>,  // [rows, heads·HD], row stride `stride`; dy on entry
  _ positions: UnsafePointer<Int32>,  // [rows]
  _ table: RopeTable,
  rows: Int, heads: Int, headDim: Int, stride: Int? = nil
) {
  let h = headDim / 2
  let stride = stride ?? heads * headDim
  for r in 0..<rows {
    let p = Int(positions[r])
    let cs = table.cos.pointer + p * h
    let sn = table.sin.pointer + p * h
    for head in 0..<heads {
      let v = dx + r * stride + head * headDim
      for i in 0..<h {
        let a = v[i]
        let b = v[i + h]
        v[i] = a * cs[i] + b * sn[i]
        v[i + h] = b * cs[i] - a * sn[i]
      }
    }
  }
}
