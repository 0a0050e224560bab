import Testing
import TreePOEngine

// The decode step's own NT kernel against OpenBLAS, on shapes that hit every remainder path.
@Suite struct DecoderSkinnyGEMMTests {
  @Test(arguments: [(16, 9, 16), (5, 7, 24), (1, 1, 8), (4, 3, 32), (7, 2, 8), (3, 5, 12)])
  func skinnyKernelEqualsBLAS(_ shape: (Int, Int, Int)) {
    let (m, n, k) = shape
    var rng = SeededRandom(seed: UInt64(m * 100 + n * 10 + k))
    let x = (0..<m * k).map { _ in rng.nextNormal() }
    let w = (0..<n * k).map { _ in rng.nextNormal() }
    let ldc = n + 2  // a strided output, as when workers write column blocks
    let start = (0..<m * ldc).map { _ in rng.nextNormal() }
    for accumulate in [false, true] {
      var expected = start
      gemm(&expected, x, w, m: m, n: n, k: k, transposeB: true, beta: accumulate ? 1 : 0, ldc: ldc)
      var actual = start
      actual.withUnsafeMutableBufferPointer { c in
        skinnyGemmNT(c.baseAddress!, x, w, m: m, n: n, k: k, accumulate: accumulate, ldc: ldc)
      }
      for i in 0..<m {
        for j in 0..<ldc {
          let (a, e) = (actual[i * ldc + j], expected[i * ldc + j])
          // Columns n..<ldc lie outside the product and must be left alone.
          #expect(abs(a - e) <= 1e-4 * max(1, abs(e)), "[\(i), \(j)] accumulate \(accumulate)")
        }
      }
    }
  }
}
