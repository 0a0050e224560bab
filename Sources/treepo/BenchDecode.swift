import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench decode`: greedy decoding of a batch of sequences with the paged KV cache on
  /// ModelConfig.bench (or `--model`); prints the same line as `bench/peers/torch_decode.py` so
  /// the two can be compared side by side on the same weights and prompts. `--decode-weights`
  /// compares weight formats in one run (alternating), `--bandwidth` sets them against the
  /// machine's measured read bandwidth.
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
    @Option(
      help: ArgumentHelp(
        "Decode a real model instead (a known name, .gguf or folder; prompts are the same "
          + "token formula over its vocabulary)."))
    var model: String?
    @Option(
      help: ArgumentHelp(
        "Decode weights to compare, comma-separated (fp32, bf16, q8_0), run in turn within "
          + "every repeat."))
    var decodeWeights = "fp32"
    @Option(help: "Compact kernels' instruction set: avx2 or avx512 (default: the widest here).")
    var isa: String?
    @Flag(
      help: ArgumentHelp(
        "Also measure memory read bandwidth (512 MiB, same threads) between repeats and print "
          + "each format's bytes per step and fraction of it."))
    var bandwidth = false

    func validate() throws {
      guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1, got \(repeats)") }
      guard warmup >= 0 else { throw ValidationError("--warmup must be ≥ 0, got \(warmup)") }
      guard sequences >= 1 else {
        throw ValidationError("--sequences must be ≥ 1, got \(sequences)")
      }
      try Check.atLeast("--prompt", prompt, 1)
      try Check.atLeast("--tokens", tokens, 1)
      if model == nil, prompt + tokens > ModelConfig.bench.maxPositions {
        throw ValidationError(
          "--prompt \(prompt) + --tokens \(tokens) exceeds the model's "
            + "\(ModelConfig.bench.maxPositions) positions")
      }
      guard kernel == "skinny" || kernel == "blas" else {
        throw ValidationError("--kernel must be skinny or blas, got \(kernel)")
      }
      guard pageSize >= 1 else { throw ValidationError("--page-size must be ≥ 1, got \(pageSize)") }
      _ = try formats()
      if let isa, !["avx2", "avx512"].contains(isa) {
        throw ValidationError("--isa must be avx2 or avx512, got \(isa)")
      }
    }

    func formats() throws -> [DecodeWeightFormat] {
      try decodeWeights.split(separator: ",").map {
        guard let f = DecodeWeightFormat(rawValue: String($0)) else {
          throw ValidationError("--decode-weights: \($0) is not fp32, bf16 or q8_0")
        }
        return f
      }
    }

    /// Prompt token j of sequence b; the peer script uses the same formula.
    static func promptToken(_ b: Int, _ j: Int, vocab: Int) -> Int { (b * 7 + j * 3 + 1) % vocab }

    func run() throws {
      threads.apply()
      let formats = try formats()
      let (model, label) = try loadBenchModel()
      let config = model.config
      guard prompt + tokens <= config.maxPositions else {
        throw ValidationError(
          "--prompt \(prompt) + --tokens \(tokens) exceeds the model's "
            + "\(config.maxPositions) positions")
      }
      let pagesPerSequence = (prompt + tokens + pageSize - 1) / pageSize
      // Rows for the prompts' prefill, not the model's whole context (≈ 250 MB for SmolLM2).
      let decoder = DecoderSession(
        model: model,
        cache: KVCache(
          config: config, pageSize: pageSize, capacity: sequences * pagesPerSequence),
        maxBatch: sequences,
        maxRows: ModelCompletionSampler.maxRows(maxBatch: sequences, prompt: prompt, config))
      decoder.threads = threads.threads
      if kernel == "blas" {
        decoder.skinnyRowLimit = 0
        decoder.compactRowLimit = 0
      }
      if let isa { decoder.kernelISA = isa == "avx2" ? .avx2 : .avx512 }
      let prompts = (0..<sequences).map { b in
        (0..<prompt).map { Self.promptToken(b, $0, vocab: config.vocabSize) }
      }
      let memory = bandwidth ? ReadBuffer(bytes: 512 << 20) : nil
      var rates: [Double] = []
      var runs = [DecodeWeightFormat: (times: [Double], cpu: [Double], first: [Int])]()
      for i in 0..<(warmup + repeats) {
        for format in formats {
          if model.decodeWeightFormat != format {
            model.useDecodeWeights(format, threads: threads.threads)
          }
          let (wall, cpu, first) = try decodeOnce(decoder, prompts: prompts)
          if i >= warmup {
            runs[format, default: ([], [], [])].times.append(wall)
            runs[format, default: ([], [], [])].cpu.append(cpu)
          }
          runs[format, default: ([], [], [])].first = first
        }
        if let memory, i >= warmup {
          rates.append(median(memory.readRates(threads: threads.threads, passes: 3)))
        }
      }
      let gbs = median(rates)
      for format in formats {
        let run = runs[format]!
        let wall = median(run.times)
        let decoded = Double(sequences * tokens)
        var line = String(
          format:
            "decode engine=treepo model=%@ weights=%@ kernel=\(kernel) isa=\(decoder.kernelISA) "
            + "threads=%d sequences=%d prompt=%d tokens=%d median_ms=%.1f tokens_per_s=%.1f "
            + "cpu_ms=%.1f",
          label, format.rawValue, threads.threads, sequences, prompt, tokens, wall,
          decoded / (wall / 1000), median(run.cpu))
        if memory != nil {
          // Bytes one step reads: every decode matrix once, plus each sequence's keys and values
          // (at the average length of the timed steps).
          let kv = sequences * (prompt + tokens / 2) * config.numLayers * 2 * config.kvDim * 4
          let bytes = Double(DecodeWeights.bytesPerStep(model.layout, format: format) + kv)
          let stepSeconds = wall / 1000 / Double(tokens)
          line += String(
            format: " mb_per_step=%.1f step_gb_s=%.2f read_gb_s=%.2f fraction=%.2f", bytes / 1e6,
            bytes / stepSeconds / 1e9, gbs, bytes / stepSeconds / 1e9 / gbs)
        }
        print(line + " first_tokens=" + run.first.map(String.init).joined(separator: ","))
      }
    }

    /// The model to decode and its name in the output: ModelConfig.bench's seeded weights (saved
    /// for the peer when asked) or `--model`.
    func loadBenchModel() throws -> (Model, String) {
      if let name = model {
        return (try loadModel(name, threads: threads.threads).model, name)
      }
      let model = Model(config: .bench)
      model.initializeWeights(seed: 1)
      if let folder = saveWeights {
        try ModelFolder.save(
          config: .bench, parameters: model.parameters, tokenizer: CharTokenizer(),
          to: URL(fileURLWithPath: folder))
      }
      return (model, "bench")
    }

    /// One timed run: prefill every prompt, then `tokens` greedy steps for the whole batch.
    func decodeOnce(_ decoder: DecoderSession, prompts: [[Int]]) throws -> (Double, Double, [Int]) {
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
      let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
      return (wall, processCPUSeconds() * 1000 - cpuStart, Array(generated.prefix(8)))
    }
  }
}
