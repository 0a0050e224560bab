// Element-wise and row-wise kernels of the Llama decoder, llm.c style: free functions over raw
// pointers with explicit sizes; every `xForward` has its `xBackward` right below it (in the
// `Kernels+Family.swift` files). Arguments go outputs, inputs, weights, sizes. Backward kernels
// ACCUMULATE (+=) into every gradient they produce; callers zero gradient buffers.
//
// Size legend (as in ModelConfig): V vocab, C hidden, F ffn, NH query heads, NKV key/value heads,
// HD head dim, B sequences, T positions, rows = number of token positions a call covers.
//
// Reductions use SIMD8 accumulators (strict IEEE order stops the compiler from vectorising a
// scalar sum); `fastExp` is a polynomial exp that vectorises, because libm `expf` in the
// attention, vocabulary and SiLU loops would otherwise cost a tenth of a training step.

/// e^x with ~1 ulp error on [-87, 88] (Cephes expf: range reduction by ln 2 and a degree-6
/// polynomial). Inputs are clamped, so -inf gives ~1e-38 rather than 0; callers never rely on that.
@inline(__always)
public func fastExp(_ x: Float) -> Float {
  let x = x < -87 ? -87 : (x > 88 ? 88 : x)
  // Round-to-nearest by adding 1.5·2²³: exact, branch-free, and the sum's low mantissa bits
  // hold n itself, so 2ⁿ is built with integer ops only (no checked Float → Int conversion,
  // which would stop the loops around this from vectorising).
  let magic: Float = 12_582_912
  let shifted = x * 1.442_695_04 + magic
  let n = shifted - magic
  var r = x - n * 0.693_359_375
  r = r - n * -2.121_944_4e-4
  var p: Float = 1.987_569_15e-4
  p = p * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 1.666_666_55e-1
  p = p * r + 5.000_000_12e-1
  p = p * r * r + r + 1
  let scale = Float(bitPattern: (shifted.bitPattern &- magic.bitPattern &+ 127) &<< 23)
  return p * scale
}

/// Lane-wise `fastExp` (same constants and rounding, so results equal the scalar version).
@inline(__always)
public func fastExp(_ x: SIMD8<Float>) -> SIMD8<Float> {
  let x = x.clamped(lowerBound: SIMD8(repeating: -87.0), upperBound: SIMD8(repeating: 88.0))
  let magic: Float = 12_582_912
  let shifted = x * 1.442_695_04 + magic
  let n = shifted - magic
  var r = x - n * 0.693_359_375
  r = r - n * -2.121_944_4e-4
  var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
  p = p * r + 1.398_199_95e-3
  p = p * r + 8.333_451_9e-3
  p = p * r + 4.166_579_59e-2
  p = p * r + 1.666_666_55e-1
  p = p * r + 5.000_000_12e-1
  p = p * r * r + r + 1
  let bits = (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- magic.bitPattern &+ 127) &<< 23
  return p * unsafeBitCast(bits, to: SIMD8<Float>.self)
}

/// Σ a[i].
@inline(__always)
func sumElements(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
  var acc = SIMD8<Float>(repeating: 0)
  var i = 0
  while i + 8 <= n {
    acc += loadSIMD8(a + i)
    i += 8
  }
  var s = acc.sum()
  while i < n {
    s += a[i]
    i += 1
  }
  return s
}

/// Σ a[i]·b[i].
@inline(__always)
func dotProduct(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
  var acc = SIMD8<Float>(repeating: 0)
  var i = 0
  while i + 8 <= n {
    acc.addProduct(loadSIMD8(a + i), loadSIMD8(b + i))
    i += 8
  }
  var s = acc.sum()
  while i < n {
    s += a[i] * b[i]
    i += 1
  }
  return s
}

/// max over a[0..<n] (n ≥ 1).
@inline(__always)
func maxElement(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
  var acc = SIMD8<Float>(repeating: -.infinity)
  var i = 0
  while i + 8 <= n {
    acc = pointwiseMax(acc, loadSIMD8(a + i))
    i += 8
  }
  var m = acc.max()
  while i < n {
    m = max(m, a[i])
    i += 1
  }
  return m
}

@inline(__always)
func loadSIMD8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
  UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
}
