import Testing
import TreePOEngine

// The whole training backward against central finite differences of the forward, for every
// coordinate of every parameter tensor, on a micro model with two ragged sequences. The objective
// J = Σ g·logprob + Σ h·entropy exercises both paths of the shared backward.

@Suite struct FiniteDifferenceTests {
  static func microConfig(tied: Bool, bias: Bool = false) -> ModelConfig {
    ModelConfig(
      vocabSize: 11, hiddenSize: 8, intermediateSize: 12, numLayers: 2, numHeads: 2,
      numKVHeads: 1, maxPositions: 8, tieWordEmbeddings: tied, attentionBias: bias)
  }

  struct Setup {
    let model: Model
    let graph: TrainingGraph
    let tokens: [Int32]
    let targets: [Int32]
    let lengths = [5, 3]
    let g: [Float]
    let h: [Float]?

    init(tied: Bool, bias: Bool = false, logprobWeight: Float, entropyWeight: Float?) {
      let config = FiniteDifferenceTests.microConfig(tied: tied, bias: bias)
      model = Model(config: config)
      // A large std so every gradient is well above Float rounding in the differences.
      model.initializeWeights(seed: 11, std: 0.4)
      var rng = SeededRandom(seed: 5)
      for spec in model.layout.tensors where spec.shape.count == 1 {
        for i in 0..<spec.count { model.parameters[spec.offset + i] = 1 + 0.3 * rng.nextNormal() }
      }
      graph = TrainingGraph(model: model, maxBatch: 2, maxLength: 5)
      tokens = (0..<10).map { i in i == 8 || i == 9 ? -1 : Int32(rng.nextInt(11)) }
      targets = (0..<10).map { i in i == 8 || i == 9 ? -1 : Int32(rng.nextInt(11)) }
      g = (0..<10).map { _ in logprobWeight * (0.5 + rng.nextUniform()) }
      h = entropyWeight.map { w in (0..<10).map { _ in w * (rng.nextUniform() - 0.3) } }
    }

    func objective() -> Double {
      graph.forward(tokens: tokens, targets: targets, lengths: lengths, batch: 2, length: 5)
      var j: Double = 0
      for b in 0..<2 {
        for t in 0..<lengths[b] {
          let r = b * 5 + t
          j += Double(g[r]) * Double(graph.targetLogprobs[r])
          if let h { j += Double(h[r]) * Double(graph.entropies[r]) }
        }
      }
      return j
    }

    /// Relative L2 error between analytic and numeric gradients, per tensor name.
    func errors() -> [(name: String, error: Double, norm: Double)] {
      graph.zeroGradients()
      _ = objective()
      // Garbage at padding must be ignored.
      var dLogprob = g
      dLogprob[8] = 100
      dLogprob[9] = -100
      graph.backward(dLogprob: dLogprob, dEntropy: h)
      let analytic = graph.gradients.array
      let eps: Float = 1e-2
      var result: [(String, Double, Double)] = []
      for spec in model.layout.tensors {
        var diff: Double = 0
        var norm: Double = 0
        for i in 0..<spec.count {
          let index = spec.offset + i
          let saved = model.parameters[index]
          func central(_ e: Float) -> Double {
            model.parameters[index] = saved + e
            let plus = objective()
            model.parameters[index] = saved - e
            let minus = objective()
            model.parameters[index] = saved
            return (plus - minus) / (2 * Double(e))
          }
          // Richardson extrapolation cancels the O(eps²) term of the central difference.
          let numeric = (4 * central(eps / 2) - central(eps)) / 3
          diff += (numeric - Double(analytic[index])) * (numeric - Double(analytic[index]))
          norm += numeric * numeric
        }
        result.append((spec.name, (diff / max(norm, 1e-30)).squareRoot(), norm.squareRoot()))
      }
      return result
    }
  }

  static func check(_ setup: Setup) {
    for (name, error, norm) in setup.errors() {
      #expect(norm > 1e-3, "\(name): gradient norm \(norm) too small to test")
      #expect(error < 1e-2, "\(name): relative gradient error \(error) (norm \(norm))")
    }
  }

  @Test func logprobPathMatchesFiniteDifferences() {
    Self.check(Setup(tied: false, logprobWeight: -1, entropyWeight: nil))
  }

  @Test func entropyPathMatchesFiniteDifferences() {
    Self.check(Setup(tied: false, logprobWeight: 0, entropyWeight: 1))
  }

  @Test func bothPathsWithTiedEmbeddingsMatchFiniteDifferences() {
    Self.check(Setup(tied: true, logprobWeight: 0.7, entropyWeight: -0.5))
  }

  @Test func qkvBiasesMatchFiniteDifferences() {
    Self.check(Setup(tied: true, bias: true, logprobWeight: 0.7, entropyWeight: -0.5))
  }

  @Test func paddingNeverChangesValidPositions() {
    let setup = Setup(tied: false, logprobWeight: 1, entropyWeight: nil)
    _ = setup.objective()
    let before = (0..<10).map { setup.graph.targetLogprobs[$0] }
    var tokens = setup.tokens
    tokens[8] = 3
    tokens[9] = 7
    setup.graph.forward(
      tokens: tokens, targets: setup.targets, lengths: setup.lengths, batch: 2, length: 5)
    let after = (0..<10).map { setup.graph.targetLogprobs[$0] }
    #expect(before == after)
    // A shorter padded length gives the same values for the first sequence's prefix.
    setup.graph.forward(
      tokens: [Int32](setup.tokens[0..<3]), targets: [Int32](setup.targets[0..<3]), lengths: [3],
      batch: 1, length: 3)
    for t in 0..<3 { #expect(abs(setup.graph.targetLogprobs[t] - before[t]) < 1e-6) }
  }
}
