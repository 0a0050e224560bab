import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// Forward kernels against direct Double re-computations of their formulas.

@Suite struct KernelTests {
  @Test func fastExpMatchesExp() {
    var worst: Double = 0
    var x: Float = -80
    while x < 80 {
      worst = max(worst, abs(Double(fastExp(x)) / Foundation.exp(Double(x)) - 1))
      x += 0.0137
    }
    #expect(worst < 4e-7)
    let lanes = SIMD8<Float>(-3, -1, -0.5, 0, 0.25, 1, 2, 10)
    let v = fastExp(lanes)
    for i in 0..<8 { #expect(v[i] == fastExp(lanes[i])) }
    #expect(fastExp(-Float.infinity) < 1e-37)
  }

  @Test func rmsNormMatchesFormula() {
    let rows = 3
    let c = 13
    var rng = SeededRandom(seed: 1)
    let x = (0..<rows * c).map { _ in rng.nextNormal() * 2 }
    let w = (0..<c).map { _ in 1 + rng.nextNormal() * 0.3 }
    var out = [Float](repeating: 0, count: rows * c)
    var inv = [Float](repeating: 0, count: rows)
    rmsNormForward(&out, &inv, x, w, rows: rows, channels: c, eps: 1e-5)
    for r in 0..<rows {
      let row = (0..<c).map { Double(x[r * c + $0]) }
      let ms = row.map { $0 * $0 }.reduce(0, +) / Double(c)
      let s = 1 / (ms + 1e-5).squareRoot()
      #expect(abs(Double(inv[r]) - s) < 1e-6 * s)
      for i in 0..<c {
        #expect(abs(Double(out[r * c + i]) - Double(x[r * c + i]) * s * Double(w[i])) < 1e-5)
      }
    }
  }

  @Test func ropeRotatesHalfSplitPairs() {
    let config = ModelConfig(
      vocabSize: 4, hiddenSize: 8, intermediateSize: 4, numLayers: 1, numHeads: 2, numKVHeads: 1,
      ropeTheta: 10000, maxPositions: 16)
    let table = RopeTable(config)
    var rng = SeededRandom(seed: 2)
    let x = (0..<2 * 8).map { _ in rng.nextNormal() }
    var y = x
    let positions: [Int32] = [3, 11]
    ropeForward(&y, positions, table, rows: 2, heads: 2, headDim: 4)
    for r in 0..<2 {
      for head in 0..<2 {
        for i in 0..<2 {
          let angle = Double(positions[r]) * pow(10000, -Double(2 * i) / 4)
          let base = r * 8 + head * 4
          let a = Double(x[base + i])
          let b = Double(x[base + i + 2])
          #expect(abs(Double(y[base + i]) - (a * cos(angle) - b * sin(angle))) < 1e-5)
          #expect(abs(Double(y[base + i + 2]) - (b * cos(angle) + a * sin(angle))) < 1e-5)
        }
      }
    }
    // Backward is the inverse rotation: applying it to y gives x back.
    ropeBackward(&y, positions, table, rows: 2, heads: 2, headDim: 4)
    for i in 0..<16 { #expect(abs(y[i] - x[i]) < 1e-5) }
  }

  @Test func swigluIsSiluTimesUp() {
    let gate: [Float] = [-3, -0.5, 0, 0.7, 2, 9]
    let up: [Float] = [1, 2, -1, 0.5, 3, -2]
    var out = [Float](repeating: 0, count: 6)
    swigluForward(&out, gate, up, rows: 1, n: 6)
    for i in 0..<6 {
      let g = Double(gate[i])
      #expect(abs(Double(out[i]) - g / (1 + Foundation.exp(-g)) * Double(up[i])) < 1e-5)
    }
  }

  @Test func logSoftmaxGivesLogprobAndEntropy() {
    let v = 37
    var rng = SeededRandom(seed: 3)
    // Large offsets: the kernel must subtract the max.
    let logits = (0..<2 * v).map { i in rng.nextNormal() * 3 + (i < v ? 500 : -200) }
    let targets: [Int32] = [5, 36]
    var lse = [Float](repeating: 0, count: 2)
    var ent = [Float](repeating: 0, count: 2)
    var lp = [Float](repeating: 0, count: 2)
    logSoftmaxForward(
      logSumExp: &lse, entropy: &ent, targetLogprob: &lp, logits: logits, targets: targets,
      rows: 2, vocab: v)
    for r in 0..<2 {
      let z = (0..<v).map { Double(logits[r * v + $0]) }
      let m = z.max()!
      let ref = m + Foundation.log(z.map { Foundation.exp($0 - m) }.reduce(0, +))
      let logp = z.map { $0 - ref }
      let h = -logp.map { Foundation.exp($0) * $0 }.reduce(0, +)
      #expect(abs(Double(lp[r]) - logp[Int(targets[r])]) < 1e-4)
      #expect(abs(Double(ent[r]) - h) < 1e-5)
    }
  }

  @Test func embeddingCopiesRows() {
    let table: [Float] = [0, 1, 10, 11, 20, 21]
    var out = [Float](repeating: 0, count: 4)
    embeddingForward(&out, [Int32(2), 0], table, rows: 2, channels: 2, vocab: 3)
    #expect(out == [20, 21, 0, 1])
  }

  @Test func modelInitialisesMatricesAndNorms() {
    let config = ModelConfig(
      vocabSize: 11, hiddenSize: 8, intermediateSize: 12, numLayers: 2, numHeads: 2,
      numKVHeads: 1)
    let model = Model(config: config)
    model.initializeWeights(seed: 7)
    let norm = model.tensor(named: "model.layers.1.post_attention_layernorm.weight")!
    #expect((0..<8).allSatisfy { norm[$0] == 1 })
    let q = model.layout.spec(named: "model.layers.0.self_attn.q_proj.weight")!
    let values = (0..<q.count).map { Double(model.parameters[q.offset + $0]) }
    let std = (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot()
    #expect(std > 0.01 && std < 0.03)
    let again = Model(config: config)
    again.initializeWeights(seed: 7)
    expectIdenticalFloats("seed-7 parameters", again.parameters.array, model.parameters.array)
  }
}
