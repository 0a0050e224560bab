import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// AdamW against a Double re-computation of PyTorch's update rule, and gradient clipping.

@Suite struct AdamWTests {
  static let layout = ParameterLayout(
    ModelConfig(
      vocabSize: 3, hiddenSize: 2, intermediateSize: 2, numLayers: 1, numHeads: 1, numKVHeads: 1))

  @Test func twoStepsMatchTorchFormula() {
    let layout = Self.layout
    let adam = AdamW(
      layout: layout, learningRate: 0.1, beta1: 0.8, beta2: 0.9, eps: 1e-3, weightDecay: 0.5)
    let params = FloatBuffer(count: layout.count)
    let grads = FloatBuffer(count: layout.count)
    var rng = SeededRandom(seed: 9)
    for i in 0..<layout.count { params[i] = rng.nextNormal() }
    var p = params.array.map(Double.init)
    var m = [Double](repeating: 0, count: layout.count)
    var v = m
    let decayed = Set(
      layout.tensors.filter { $0.shape.count >= 2 }.flatMap { $0.offset..<$0.offset + $0.count })
    for t in 1...2 {
      for i in 0..<layout.count { grads[i] = rng.nextNormal() }
      adam.step(parameters: params, gradients: grads)
      for i in 0..<layout.count {
        let g = Double(grads[i])
        if decayed.contains(i) { p[i] *= 1 - 0.1 * 0.5 }
        m[i] = 0.8 * m[i] + 0.2 * g
        v[i] = 0.9 * v[i] + 0.1 * g * g
        let mHat = m[i] / (1 - pow(0.8, Double(t)))
        let vHat = v[i] / (1 - pow(0.9, Double(t)))
        p[i] -= 0.1 * mHat / (vHat.squareRoot() + 1e-3)
      }
    }
    #expect(adam.step == 2)
    for i in 0..<layout.count {
      #expect(abs(Double(params[i]) - p[i]) < 1e-5, "parameter \(i)")
      #expect(abs(Double(adam.m[i]) - m[i]) < 1e-6)
      #expect(abs(Double(adam.v[i]) - v[i]) < 1e-6)
    }
    // Grouping: with zero gradients only decay moves a weight; norm weights (1-D) stay put.
    let fresh = AdamW(layout: layout, learningRate: 0.1, weightDecay: 0.5)
    let ones = FloatBuffer(count: layout.count)
    for i in 0..<layout.count { ones[i] = 1 }
    fresh.step(parameters: ones, gradients: FloatBuffer(count: layout.count))
    let norm = layout.spec(named: "model.norm.weight")!
    let embed = layout.spec(named: "model.embed_tokens.weight")!
    #expect(ones[norm.offset] == 1)
    #expect(abs(ones[embed.offset] - 0.95) < 1e-7)
  }

  @Test func clippingScalesToMaxNormAndReportsPreClipNorm() {
    let g = FloatBuffer(count: 5000)
    for i in 0..<5000 { g[i] = i % 2 == 0 ? 0.3 : -0.4 }
    let expected = (2500 * 0.09 + 2500 * 0.16 as Double).squareRoot()
    let norm = clipGradientNorm(g, maxNorm: 1)
    #expect(abs(Double(norm) - expected) < 1e-4)
    let after = g.array.map { Double($0) * Double($0) }.reduce(0, +).squareRoot()
    #expect(abs(after - 1) < 1e-5)
    // Below the limit: untouched.
    let small = FloatBuffer(count: 3)
    small[0] = 0.1
    small[2] = -0.2
    #expect(abs(clipGradientNorm(small, maxNorm: 1) - Float(0.05).squareRoot()) < 1e-7)
    expectIdenticalFloats("small gradient", small.array, [0.1, 0, -0.2])
  }
}

@Suite struct ScheduleTests {
  @Test func warmupThenCosineToMinimum() {
    let s = LRSchedule(peak: 1e-3, warmupSteps: 4, totalSteps: 14, minRatio: 0.1)
    #expect(abs(s.learningRate(at: 0) - 2.5e-4) < 1e-9)
    #expect(abs(s.learningRate(at: 3) - 1e-3) < 1e-9)
    #expect(abs(s.learningRate(at: 4) - 1e-3) < 1e-9)
    // Half-way through the cosine: (min + peak) / 2.
    #expect(abs(s.learningRate(at: 9) - 5.5e-4) < 1e-8)
    #expect(abs(s.learningRate(at: 14) - 1e-4) < 1e-9)
    #expect(abs(s.learningRate(at: 100) - 1e-4) < 1e-9)
    let rates = (4...14).map { s.learningRate(at: $0) }
    #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 })
    #expect(LRSchedule(peak: 2, warmupSteps: 0, totalSteps: 0).learningRate(at: 0) == 0.2)
  }
}
