import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench decode`: greedy decoding of a batch of sequences with the paged KV cache on
  /// ModelConfig.bench; prints the same line as `bench/peers/torch_decode.py` so the two can be
  /// compared side by side on the same weights and prompts.
  struct Decode: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time batched greedy decoding with the KV cache on ModelConfig.bench.")

    @OptionGroup var threads: ThreadOptions
    @Option(help: "Timed runs; the median is reported.") var repeats = 7
    @Option(help: "Untimed runs before timing.") var warmup = 1
    @Option(help: "Sequences decoded together.") var sequences = 16
    @Option(help: "Prompt tokens per sequence (prefilled in one batched forward).") var prompt = 16
    @Option(help: "Decode steps per sequence after the prompt.") var tokens = 112
    @Option(help: "Positions per KV-cache page.") var pageSize = 16
    @Option(help: "Step projections: skinny (the decoder's own kernel) or blas (OpenBLAS).")
    var kernel = "skinny"
    @Option(help: "Also write the weights as an HF model folder here (for the PyTorch peer).")
    var saveWeights: String?

    func validate() throws {
      guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1, got \(repeats)") }
      guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0, got \(warmup)") }
      guard sequences >= 1 else {
        throw ValidationError("--sequences must be ≥ 1, got \(sequences)")
      }
      try Check.atLeast("--prompt", prompt, 1)
      try Check.atLeast("--tokens", tokens, 1)
      let maxPositions = ModelConfig.bench.maxPositions
      guard prompt + tokens <= maxPositions else {
        throw ValidationError(
          "--prompt \(prompt) + --tokens \(tokens) exceeds the model's \(maxPositions) positions")
      }
      guard kernel == "skinny" || kernel == "blas" else {
        throw ValidationError("--kernel must be skinny or blas, got \(kernel)")
      }
      guard pageSize >= 1 else { throw ValidationError("--page-size must be ≥ 1, got \(pageSize)") }
    }

    /// Prompt token j of sequence b; the peer script uses the same formula.
    static func promptToken(_ b: Int, _ j: Int, vocab: Int) -> Int { (b * 7 + j * 3 + 1) % vocab }

    func run() throws {
      threads.apply()
      let config = ModelConfig.bench
      let model = Model(config: config)
      model.initializeWeights(seed: 1)
      if let folder = saveWeights {
        try ModelFolder.save(
          config: config, parameters: model.parameters, tokenizer: CharTokenizer(),
          to: URL(fileURLWithPath: folder))
      }
      let pagesPerSequence = (prompt + tokens + pageSize - 1) / pageSize
      let decoder = DecoderSession(
        model: model, pages: sequences * pagesPerSequence, pageSize: pageSize,
        maxBatch: sequences)
      decoder.threads = threads.threads
      if kernel == "blas" { decoder.skinnyRowLimit = 0 }
      let prompts = (0..<sequences).map { b in
        (0..<prompt).map { Self.promptToken(b, $0, vocab: config.vocabSize) }
      }

      var times: [Double] = []
      var cpuTimes: [Double] = []
      var firstTokens: [Int] = []
      for i in 0..<(warmup + repeats) {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds() * 1000
        let seqs = (0..<sequences).map { _ in decoder.cache.newSequence() }
        var logits = try decoder.prefill(seqs, prompts: prompts)
        var next = [Int](repeating: 0, count: sequences)
        var generated: [Int] = []
        for _ in 0..<tokens {
          for b in 0..<sequences { next[b] = TokenSampler.argmax(logits[b]) }
          generated.append(next[0])
          logits = try decoder.step(seqs, tokens: next)
        }
        for seq in seqs { decoder.cache.free(seq) }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        let cpu = processCPUSeconds() * 1000 - cpuStart
        if i >= warmup {
          times.append(elapsed)
          cpuTimes.append(cpu)
        }
        firstTokens = Array(generated.prefix(8))
      }
      let median = treepo.median(times)
      let cpuMedian = treepo.median(cpuTimes)
      let decoded = Double(sequences * tokens)
      print(
        String(
          format:
            "decode engine=treepo kernel=\(kernel) threads=%d sequences=%d prompt=%d tokens=%d median_ms=%.1f "
            + "tokens_per_s=%.0f cpu_ms=%.1f",
          threads.threads, sequences, prompt, tokens, median, decoded / (median / 1000), cpuMedian)
          + " first_tokens=" + firstTokens.map(String.init).joined(separator: ","))
    }
  }
}
