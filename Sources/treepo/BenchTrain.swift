import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench train`: one full training step (forward + backward + clip + AdamW) of the
  /// benchmark model on a batch of random tokens; prints the same line as
  /// `bench/peers/torch_llama.py train` so the two can be compared side by side.
  struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time a training step (forward + backward + AdamW) on ModelConfig.bench.")

    @OptionGroup var threads: ThreadOptions
    @Option(help: "Timed steps; the median is reported.") var repeats = 7
    @Option(help: "Untimed steps before timing.") var warmup = 2
    @Option(help: "Sequences per batch.") var batch = 8
    @Option(help: "Tokens per sequence.") var length = 128
    @Option(help: "Also write the initial weights as an HF folder (for the peer's --weights).")
    var saveWeights: String?
    @Option(
      help: "Also write the batch (token ids and targets) as JSON, for the peer's --batch-file.")
    var saveBatch: String?

    func validate() throws {
      guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1, got \(repeats)") }
      guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0, got \(warmup)") }
      guard batch >= 1 else { throw ValidationError("--batch must be at least 1, got \(batch)") }
      let maxLength = ModelConfig.bench.maxPositions
      guard (1...maxLength).contains(length) else {
        throw ValidationError("--length must be in 1...\(maxLength), got \(length)")
      }
    }

    func run() throws {
      threads.apply()
      let config = ModelConfig.bench
      let model = Model(config: config)
      model.initializeWeights(seed: 1)
      if let saveWeights {
        try ModelFolder.save(
          model, tokenizer: CharTokenizer(), to: URL(fileURLWithPath: saveWeights))
      }
      let graph = TrainingGraph(model: model, maxBatch: batch, maxLength: length)
      let adam = AdamW(layout: model.layout, learningRate: 1e-3, weightDecay: 0.1)
      var rng = SeededRandom(seed: 2)
      let n = batch * length
      let tokens = (0..<n).map { _ in Int32(rng.nextInt(config.vocabSize)) }
      let targets = (0..<n).map { _ in Int32(rng.nextInt(config.vocabSize)) }
      let lengths = [Int](repeating: length, count: batch)
      let dLogprob = [Float](repeating: -1 / Float(n), count: n)  // mean cross-entropy
      if let saveBatch {
        let json =
          "{\"batch\": \(batch), \"length\": \(length), \"tokens\": \(tokens.map(Int.init)), "
          + "\"targets\": \(targets.map(Int.init))}\n"
        try Data(json.utf8).write(to: URL(fileURLWithPath: saveBatch), options: .atomic)
      }

      var times: [Double] = []
      var cpuTimes: [Double] = []
      var loss: Double = 0
      var firstLoss: Double = 0
      for i in 0..<(warmup + repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds() * 1000
        graph.zeroGradients()
        graph.forward(
          tokens: tokens, targets: targets, lengths: lengths, batch: batch, length: length)
        graph.backward(dLogprob: dLogprob)
        clipGradientNorm(graph.gradients, maxNorm: 1)
        adam.step(parameters: model.parameters, gradients: graph.gradients)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        if i >= warmup {
          times.append(elapsed)
          cpuTimes.append(processCPUSeconds() * 1000 - cpuStart)
        }
        loss = -(0..<n).reduce(0) { $0 + Double(graph.targetLogprobs[$1]) } / Double(n)
        if i == 0 { firstLoss = loss }
      }
      let median = treepo.median(times)
      let cpuMedian = treepo.median(cpuTimes)
      let flops = Self.matmulFlops(config, batch: batch, length: length)
      let sgemm = Self.sgemmGflops()
      print(
        String(
          format:
            "train engine=treepo threads=%d batch=%dx%d median_ms=%.1f tokens_per_s=%.0f "
            + "gflops=%.1f sgemm_gflops=%.1f cpu_ms=%.1f loss0=%.6f loss=%.4f blas_core=%@",
          threads.threads, batch, length, median, Double(n) / (median / 1000), flops / median / 1e6,
          sgemm, cpuMedian, firstLoss, loss, BLASThreads.coreName))
    }

    /// Matmul FLOPs of one step: forward projections, LM head and attention (QKᵀ and PV over the
    /// full T×T square), and twice that for backward.
    static func matmulFlops(_ c: ModelConfig, batch: Int, length: Int) -> Double {
      let n = Double(batch * length)
      let h = Double(c.hiddenSize)
      let perLayer =
        h * Double(c.qDim + 2 * c.kvDim) + Double(c.qDim) * h + 3 * h * Double(c.intermediateSize)
      let projections = 2 * n * (Double(c.numLayers) * perLayer + h * Double(c.vocabSize))
      let attention =
        4 * Double(batch * c.numLayers * c.numHeads * length * length * c.headDim)
      return 3 * (projections + attention)
    }

    /// OpenBLAS sgemm speed on this machine right now: 1024×1024×1024, best of 5.
    static func sgemmGflops() -> Double {
      let size = 1024
      let a = FloatBuffer(count: size * size)
      let b = FloatBuffer(count: size * size)
      let c = FloatBuffer(count: size * size)
      for i in 0..<size * size {
        a[i] = Float(i % 7) * 0.1
        b[i] = Float(i % 5) * 0.1
      }
      var best = Double.infinity
      for _ in 0..<5 {
        let start = DispatchTime.now().uptimeNanoseconds
        gemm(c.pointer, a.pointer, b.pointer, m: size, n: size, k: size)
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
      }
      return 2 * Double(size * size * size) / best
    }
  }
}
