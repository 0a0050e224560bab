import Testing
import TreePOEngine
import TreePOTestSupport

// The compact-weight decode kernels (bf16, Q8_0) of every instruction set this CPU has, against a
// scalar reference in Double over the same stored weights, on shapes that hit every tile
// remainder and k tail; and the two conversions against their definitions.
@Suite struct CompactKernelTests {
  static let isas = DecodeKernelISA.allCases.filter(\.isSupported)
  // (m, n, k): 4×4 and 4×2 tiles with leftover rows of x and w; k tails of 1..15 for bf16.
  static let bf16Shapes = [
    (1, 1, 1), (1, 9, 17), (3, 5, 7), (4, 4, 16), (5, 7, 33), (9, 13, 64),
    (16, 6, 95), (2, 3, 576),
  ]
  static let q8Shapes = [
    (1, 1, 32), (1, 9, 64), (3, 5, 96), (4, 4, 32), (5, 7, 160), (9, 13, 64),
    (16, 6, 96), (2, 3, 576),
  ]

  static func check(_ format: DecodeWeightFormat, _ shape: (Int, Int, Int), isa: DecodeKernelISA) {
    let (m, n, k) = shape
    var rng = SeededRandom(seed: UInt64(m * 10_000 + n * 100 + k))
    let x = (0..<m * k).map { _ in rng.nextNormal() }
    let w = (0..<n * k).map { _ in rng.nextNormal() * 0.1 }
    let matrix = CompactMatrix(format: format, rows: n, columns: k)!
    matrix.fill(from: w)
    let ldc = n + 3  // a strided output, as when workers write column blocks
    let start = (0..<m * ldc).map { _ in rng.nextNormal() }
    for accumulate in [false, true] {
      // Rows 1..<n of w only, written from column 0 of c: the column split's pointer offsets.
      for outputs in [0..<n, (n > 1 ? 1 : 0)..<n] {
        var expected = start.map(Double.init)
        for i in 0..<m {
          for (jj, j) in outputs.enumerated() {
            var s = 0.0
            for p in 0..<k { s += Double(x[i * k + p]) * Double(matrix.value(j, p)) }
            expected[i * ldc + jj] = (accumulate ? expected[i * ldc + jj] : 0) + s
          }
        }
        var actual = start
        actual.withUnsafeMutableBufferPointer { c in
          matrix.multiply(
            c.baseAddress!, x, m: m, outputs: outputs, ldc: ldc, accumulate: accumulate, isa: isa)
        }
        // fp32 sums of k products of size ~0.1: a few ulps of the sum of magnitudes.
        let bound = 1e-6 * Double(k).squareRoot() * 4 + 1e-6
        expectCloseFloats(
          "\(format) \(isa) m=\(m) n=\(n) k=\(k) outputs=\(outputs) accumulate=\(accumulate)",
          actual.map(Double.init), expected, tolerance: bound)
      }
    }
  }

  @Test(arguments: bf16Shapes)
  func bf16KernelsMatchScalarReference(_ shape: (Int, Int, Int)) {
    for isa in Self.isas { Self.check(.bf16, shape, isa: isa) }
  }

  @Test(arguments: q8Shapes)
  func q8KernelsMatchScalarReference(_ shape: (Int, Int, Int)) {
    for isa in Self.isas { Self.check(.q8, shape, isa: isa) }
  }

  @Test func thisCPUHasTheVectorKernels() {
    // Every machine this project runs on has AVX2 + FMA; the scalar path is only a fallback.
    #expect(DecodeKernelISA.best.rawValue >= DecodeKernelISA.avx2.rawValue)
  }

  @Test func bf16RoundsToNearestEven() {
    // 1 + 2⁻⁸ lies halfway between bf16 1 and 1 + 2⁻⁷: ties go to the even mantissa (1);
    // 1 + 3·2⁻⁸ is halfway between 1 + 2⁻⁷ and 1 + 2⁻⁶: it goes up. NaN stays NaN.
    let inputs: [Float] = [
      1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-8 + 0x1p-20, -2.5, 0, .infinity, .nan,
    ]
    let expected: [Float] = [1, 1 + 0x1p-6, 1 + 0x1p-7, -2.5, 0, .infinity, .nan]
    let m = CompactMatrix(format: .bf16, rows: 1, columns: inputs.count)!
    m.fill(from: inputs)
    expectIdenticalFloats("bf16 of \(inputs)", (0..<inputs.count).map { m.value(0, $0) }, expected)
  }

  @Test func q8QuantizesEachBlockByItsLargestMagnitude() {
    var rng = SeededRandom(seed: 7)
    var row = (0..<64).map { _ in rng.nextNormal() }
    row[40] = -9  // the second block's largest magnitude: it becomes −127 · (9 / 127) exactly
    let m = CompactMatrix(format: .q8, rows: 1, columns: 64)!
    m.fill(from: row)
    #expect(m.value(0, 40) == -9)
    for block in 0..<2 {
      let values = row[(block * 32)..<(block * 32 + 32)]
      let scale = values.map(abs).max()! / 127
      // Rounding to the nearest multiple of the scale: at most half a step away.
      expectCloseFloats(
        "Q8_0 block \(block)", (block * 32..<block * 32 + 32).map { m.value(0, $0) }, Array(values),
        tolerance: Double(scale) * 0.5 + 1e-7)
    }
    #expect(CompactMatrix(format: .q8, rows: 2, columns: 48) == nil, "Q8_0 needs k % 32 == 0")
  }
}
