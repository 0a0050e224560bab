import Testing
import TreePOEngine

@Test func gemmMultipliesSmallMatrices() {
  // [2,3]·[3,2]
  let a: [Float] = [1, 2, 3, 4, 5, 6]
  let b: [Float] = [7, 8, 9, 10, 11, 12]
  var c = [Float](repeating: 0, count: 4)
  gemm(&c, a, b, m: 2, n: 2, k: 3)
  #expect(c == [58, 64, 139, 154])
}
