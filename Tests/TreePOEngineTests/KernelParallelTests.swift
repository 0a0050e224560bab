import Testing
import TreePOEngine
import TreePOTestSupport

// The row-parallel kernels and per-sequence parallel attention must give the same numbers as
// the serial path: every thread owns disjoint rows, so results agree to the last bit.

@Suite struct KernelParallelTests {
  @Test func parallelRangesCoverEveryIndexOnce() {
    for (count, parts) in [(0, 2), (1, 4), (17, 2), (100, 3), (1000, 7)] {
      var hits = [Int](repeating: 0, count: count)
      hits.withUnsafeMutableBufferPointer { h in
        let p = h.baseAddress
        parallelRanges(count, parts: parts, minimumPerPart: 1) { r in
          for i in r { p![i] += 1 }
        }
      }
      #expect(hits.allSatisfy { $0 == 1 }, "count \(count), parts \(parts)")
    }
  }

  @Test func twoThreadsGiveTheSameStepAsOne() {
    let config = ModelConfig(
      vocabSize: 29, hiddenSize: 16, intermediateSize: 24, numLayers: 2, numHeads: 4,
      numKVHeads: 2, maxPositions: 32)
    let model = Model(config: config)
    model.initializeWeights(seed: 3, std: 0.2)
    var rng = SeededRandom(seed: 4)
    let (batch, length) = (3, 24)
    let tokens = (0..<batch * length).map { _ in Int32(rng.nextInt(29)) }
    let targets = (0..<batch * length).map { _ in Int32(rng.nextInt(29)) }
    let lengths = [24, 17, 9]
    let g = (0..<batch * length).map { _ in rng.nextNormal() }
    let h = (0..<batch * length).map { _ in rng.nextNormal() }
    func run(threads: Int) -> (logprobs: [Float], gradients: [Float]) {
      let graph = TrainingGraph(model: model, maxBatch: batch, maxLength: length)
      graph.threads = threads
      graph.forward(
        tokens: tokens, targets: targets, lengths: lengths, batch: batch, length: length)
      graph.backward(dLogprob: g, dEntropy: h)
      return ((0..<batch * length).map { graph.targetLogprobs[$0] }, graph.gradients.array)
    }
    let serial = run(threads: 1)
    let parallel = run(threads: 2)
    expectIdenticalFloats("target logprobs", parallel.logprobs, serial.logprobs)
    expectCloseFloats("gradients", parallel.gradients, serial.gradients, tolerance: 1e-6)
  }
}
