import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// The OpenBLAS thread count is process-wide: a GEMM's last bits depend on it (Haswell kernels), and
// tests run in parallel in one process, so engine code must never change it — once
// `parallelForEach` set it to 1 and back around per-sequence attention, and a pretraining resume
// running beside it stopped being bit-exact about 1 run in 5.
//
// This test binary defines openblas_set_num_threads itself: the static linker binds the engine's
// calls to this definition, which counts them and forwards to OpenBLAS. Engine work across
// the parallel paths must leave the count of calls unchanged (nothing in the tests calls it).

#if os(Linux)
  private let setCalls = NSLock()
  nonisolated(unsafe) private var setCallCount = 0
  private let realSetNumThreads: (@convention(c) (Int32) -> Void)? = {
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -1), "openblas_set_num_threads")
    else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Void).self)
  }()

  @_cdecl("openblas_set_num_threads")
  func countingSetNumThreads(_ n: Int32) {
    setCalls.withLock { setCallCount += 1 }
    realSetNumThreads?(n)
  }

  private func setCallsSoFar() -> Int { setCalls.withLock { setCallCount } }

  // Serialized: the first test calls the setter itself, which the second would count.
  @Suite(.serialized) struct BLASThreadCountTests {
    @Test func theInterposerSeesACall() {
      // The check below is only meaningful if engine calls land here: BLASThreads.set is the
      // engine's own wrapper, so calling it with the current value must be counted.
      let before = setCallsSoFar()
      BLASThreads.set(BLASThreads.current)
      #expect(setCallsSoFar() > before, "openblas_set_num_threads is not interposed")
    }

    @Test func engineWorkNeverChangesTheBLASThreadCount() {
      let before = setCallsSoFar()
      let outside = BLASThreads.current
      // Inside parallel per-index work, GEMMs see the same count as outside.
      let seen = NSLock()
      nonisolated(unsafe) var inside: [Int] = []
      parallelForEach(4, parts: 2) { _ in
        let n = BLASThreads.current
        seen.withLock { inside.append(n) }
      }
      #expect(inside == [Int](repeating: outside, count: 4))
      // A training step and a decode on two threads: attention runs per sequence in parallel.
      let config = ModelConfig(
        vocabSize: 29, hiddenSize: 16, intermediateSize: 24, numLayers: 1, numHeads: 4,
        numKVHeads: 2, maxPositions: 32)
      let model = Model(config: config)
      model.initializeWeights(seed: 3, std: 0.2)
      let graph = TrainingGraph(model: model, maxBatch: 3, maxLength: 8)
      graph.threads = 2
      let tokens = (0..<24).map { Int32($0 % 29) }
      graph.forward(tokens: tokens, targets: tokens, lengths: [8, 5, 3], batch: 3, length: 8)
      graph.backward(
        dLogprob: [Float](repeating: -0.1, count: 24), dEntropy: [Float](repeating: 0, count: 24))
      #expect(setCallsSoFar() == before, "engine code called openblas_set_num_threads")
      #expect(BLASThreads.current == outside)
    }
  }
#endif
