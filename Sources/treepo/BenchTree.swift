import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench tree`: generation throughput of the tree sampler on a real model, per decode
  /// weight format, with the prompts written out for the transformers and llama.cpp peers
  /// (bench/peers/hf_generate.py, llamacpp_generate.py) so all run the same token ids to the same
  /// length. No stop tokens: every path runs to --response-length, as the peers do.
  struct Tree: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Tree-sampling tokens/s on a real model, per decode weight format (medians).")

    @Option(help: "A known model name, .gguf file or model folder.")
    var model = "smollm2-135m"
    @Option(help: "Held-out arith problems (chat-formatted) sampled together.")
    var prompts = 4
    @Option(help: "Timed repeats (seed + repeat); medians are reported.")
    var repeats = 3
    @Option(
      help: ArgumentHelp(
        "Decode weights to compare, comma-separated (fp32, bf16, q8_0), run in turn within "
          + "every repeat."))
    var decodeWeights = "fp32,bf16,q8_0"
    @Option(help: "Write the prompts' token ids and the length here (JSON, for the peers).")
    var savePrompts: String?
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var rollout: RolloutOptions

    func validate() throws {
      try Check.atLeast("--prompts", prompts, 1)
      try Check.atLeast("--repeats", repeats, 1)
      _ = try formats()
    }

    func formats() throws -> [DecodeWeightFormat] {
      try decodeWeights.split(separator: ",").map {
        guard let f = DecodeWeightFormat(rawValue: String($0)) else {
          throw ValidationError("--decode-weights: \($0) is not fp32, bf16 or q8_0")
        }
        return f
      }
    }

    struct Run {
      var generated: Double  // tokens decoded beyond the prompts (real forward positions)
      var delivered: Double  // response tokens of the n trajectories (shared prefixes counted)
      var wall: Double
      var cpu: Double
    }

    func run() throws {
      threads.apply()
      let loaded = try loadModel(model, threads: threads.threads)
      let base = ArithTask()
      let task = try loaded.formatted(base, raw: false)
      let texts = (0..<prompts).map {
        task.problem(split: .heldOut, index: $0, sizes: ArithTask.defaultLevels).prompt
      }
      let ids = try texts.map { try loaded.tokenizer.encode($0) }
      let promptTokens = ids.reduce(0) { $0 + $1.count }
      let config = rollout.config
      if let path = savePrompts { try save(ids, to: path) }
      var runs: [DecodeWeightFormat: [Run]] = [:]
      for r in 0..<repeats {
        for format in try formats() {
          loaded.model.useDecodeWeights(format, threads: threads.threads)
          var c = config
          c.seed = config.seed &+ UInt64(r)
          let decoder = ModelSegmentDecoder(
            model: loaded.model, config: c, prompts: texts.count, stopTokens: [],
            maxLength: (ids.map(\.count).max() ?? 0) + c.maxResponseTokens)
          decoder.decoder.threads = threads.threads
          let sampler = try TreeSampler(
            decoder: decoder, task: task, tokenizer: loaded.tokenizer, prompts: texts, config: c,
            kind: .tree)
          let start = DispatchTime.now().uptimeNanoseconds
          let cpuStart = processCPUSeconds()
          try sampler.run()
          let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
          let summary = sampler.summary
          runs[format, default: []].append(
            Run(
              generated: Double(summary.counters.decodedTokens - promptTokens),
              delivered: Double(sampler.trajectories.reduce(0) { $0 + $1.responseTokens.count }),
              wall: wall, cpu: processCPUSeconds() - cpuStart))
        }
      }
      print(
        "bench tree: model \(model), \(prompts) prompts × n = \(config.n), segment "
          + "\(config.segmentLength) × depth \(config.maxDepth), response_length "
          + "\(config.maxResponseTokens), \(threads.threads) thread(s), \(repeats) repeats, "
          + "isa \(DecodeKernelISA.best)")
      for format in try formats() {
        let mine = runs[format]!
        let wall = median(mine.map(\.wall))
        print(
          String(
            format: "tree engine=treepo weights=%@ generated=%.0f delivered=%.0f "
              + "median_wall_s=%.2f median_cpu_s=%.2f generated_per_s=%.1f delivered_per_s=%.1f",
            format.rawValue, median(mine.map(\.generated)), median(mine.map(\.delivered)), wall,
            median(mine.map(\.cpu)), median(mine.map { $0.generated / $0.wall }),
            median(mine.map { $0.delivered / $0.wall })))
      }
    }

    /// The peers' input: prompt ids, the new tokens per sequence and the sequences per prompt.
    func save(_ ids: [[Int]], to path: String) throws {
      let value = JSONValue.object([
        ("model", .string(model)),
        ("prompts", .array(ids.map { .array($0.map { .int($0) }) })),
        ("max_new_tokens", .int(rollout.responseLength)),
        ("n", .int(rollout.n)),
      ])
      try FileErrors.explained(path: path, doing: "write the prompts") {
        try (value.serialized(indent: nil) + "\n").write(
          toFile: path, atomically: true, encoding: .utf8)
      }
    }
  }
}
