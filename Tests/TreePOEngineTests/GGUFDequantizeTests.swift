import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// Dequantization of every supported ggml type against gguf-py's reference `dequantize` on
// random blocks (Fixtures/gguf/dequant.gguf, made by scripts/golden/make_gguf_fixtures.py):
// bit-identical for the plain and 32-element types, within 1 ulp for the K-quants.

/// Distance in units in the last place between two finite floats (Int.max if either is NaN).
func ulpDistance(_ a: Float, _ b: Float) -> Int {
  if a.isNaN || b.isNaN { return Int.max }
  func ordered(_ x: Float) -> Int {
    let bits = Int(Int32(bitPattern: x.bitPattern))
    return bits < 0 ? Int(Int32.min) - bits : bits
  }
  return abs(ordered(a) - ordered(b))
}

@Test(arguments: GGMLType.supported)
func dequantizationMatchesGGUFPy(_ type: GGMLType) throws {
  let file = try GGUFFile(path: try ggufFixtureURL("dequant.gguf").path)
  let blocks = try #require(file.tensor(named: type.name), "no \(type.name) tensor in the fixture")
  let expectedInfo = try #require(file.tensor(named: type.name + ".expected"))
  #expect(blocks.type == type)
  #expect(blocks.elementCount == expectedInfo.elementCount)
  let count = blocks.elementCount
  var actual = [Float](repeating: .nan, count: count)
  var expected = [Float](repeating: .nan, count: count)
  GGUFDequantize.run(type, from: file.data(of: blocks), into: &actual, count: count)
  GGUFDequantize.run(.f32, from: file.data(of: expectedInfo), into: &expected, count: count)
  let allowed = type.blockSize == 256 ? 1 : 0
  var worst = 0
  var at = 0
  for i in 0..<count {
    let d = actual[i].bitPattern == expected[i].bitPattern ? 0 : ulpDistance(actual[i], expected[i])
    if d > worst {
      worst = d
      at = i
    }
  }
  #expect(
    worst <= allowed,
    "\(type.name): element \(at) is \(actual[at]) but gguf-py gives \(expected[at]) (\(worst) ulp; \(allowed) allowed)"
  )
  #expect(expected.contains { $0 != 0 }, "the fixture of \(type.name) is all zeros")
}

@Test func dequantizationOfPieceByPieceEqualsWholeTensor() throws {
  // The loader dequantizes row ranges on several threads; any split of whole blocks must give
  // the same values as one call.
  let file = try GGUFFile(path: try ggufFixtureURL("dequant.gguf").path)
  for type in GGMLType.supported {
    let t = try #require(file.tensor(named: type.name))
    let count = t.elementCount
    var whole = [Float](repeating: 0, count: count)
    GGUFDequantize.run(type, from: file.data(of: t), into: &whole, count: count)
    var pieces = [Float](repeating: 0, count: count)
    let blocks = count / type.blockSize
    var block = 0
    pieces.withUnsafeMutableBufferPointer { out in
      while block < blocks {
        let n = min(blocks - block, 1 + block % 3)
        GGUFDequantize.run(
          type, from: file.data(of: t) + block * type.blockBytes,
          into: out.baseAddress! + block * type.blockSize, count: n * type.blockSize)
        block += n
      }
    }
    expectIdenticalFloats("\(type.name) split into pieces", pieces, whole)
  }
}
