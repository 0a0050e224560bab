import ArgumentParser
import Foundation
import TreePOEngine

/// The rollout settings under their verl / TreePO names, shared by `sample` and `bench rollout`.
struct RolloutOptions: ParsableArguments {
  @Option(name: .customLong("n"), help: "rollout.n: trajectories per prompt.")
  var n = 16
  @Option(help: "tree_max_token_per_step: tokens per segment.")
  var treeMaxTokenPerStep = 6
  @Option(help: "tree_max_depth: segments per path at most.")
  var treeMaxDepth = 16
  @Option(help: "response_length: response tokens per path at most.")
  var responseLength = 96
  @Option(help: "tree_fixed_step_div (w): children of the root and of a branching path.")
  var treeFixedStepDiv = 2
  @Option(help: "Random first divergence in [w, this] per prompt (default: always w).")
  var treeMaxInitialDiv: Int?
  @Option(help: "tree_div_policy: fixed | logprob | entropy | entropy-gated.")
  var treeDivPolicy = DivergencePolicy.entropy
  @Option(help: "tree_div_temperature: τ of the logprob / entropy softmax.")
  var treeDivTemperature: Float = 1
  @Option(help: "entropy-gated: branch when the last segment's mean entropy (nats) reaches this.")
  var treeDivEntropyThreshold: Float = 0.25
  @Option(help: "entropy-gated: also branch the round's top fraction of paths (0 = off).")
  var treeDivEntropyTopFrac: Float = 0
  @Option(help: "tree_fallback_policy: random | none.")
  var treeFallbackPolicy = FallbackPolicy.random
  @Option(help: "tree_fallback_cut: uniform | entropy (where a fallback cuts its leaf back to).")
  var treeFallbackCut = FallbackCut.uniform
  @Flag(help: "One fallback per round instead of filling every missing trajectory at once.")
  var noTreeFallbackFill = false
  @Option(help: "Hard cap on fallbacks per prompt.")
  var treeMaxFallbacks = 64
  @Option(help: "Repetition rule: stop | prune | off.")
  var repetition = RepetitionAction.stop
  @Flag(help: "Prune paths the task says can no longer be correct (invalid_prefix).")
  var pruneInvalidPrefix = false
  @Flag(help: "Keep paths beyond the width instead of pruning the lowest-scoring (budget).")
  var noPruneBudget = false
  @Option(help: "Hard cap on tokens through the model per rollout.")
  var maxTotalTokens: Int?
  @Option(help: "Sampling temperature (0 = greedy).")
  var temperature: Float = 1
  @Option(help: "Nucleus sampling mass (1 = off).")
  var topP: Float = 1
  @Option(help: "Top-k sampling (0 = off).")
  var topK = 0
  @Option(help: "Seed of the rollout (token draws, first divergence, fallbacks).")
  var seed: UInt64 = 0

  var config: RolloutConfig {
    var c = RolloutConfig()
    c.n = n
    c.segmentLength = treeMaxTokenPerStep
    c.maxDepth = treeMaxDepth
    c.maxResponseTokens = responseLength
    c.divergence = treeFixedStepDiv
    c.maxInitialDivergence = treeMaxInitialDiv
    c.divergencePolicy = treeDivPolicy
    c.divergenceTemperature = treeDivTemperature
    c.entropyThreshold = treeDivEntropyThreshold
    c.entropyTopFraction = treeDivEntropyTopFrac
    c.fallbackPolicy = treeFallbackPolicy
    c.maxFallbacksPerPrompt = treeMaxFallbacks
    c.fallbackFill = !noTreeFallbackFill
    c.fallbackCut = treeFallbackCut
    c.repetition = repetition
    c.pruneInvalidPrefix = pruneInvalidPrefix
    c.pruneBudget = !noPruneBudget
    c.maxTotalTokens = maxTotalTokens
    c.temperature = temperature
    c.topP = topP
    c.topK = topK
    c.seed = seed
    return c
  }

  func validate() throws {
    do { try config.validate() } catch { throw ValidationError(error.description) }
  }
}

extension DivergencePolicy: ExpressibleByArgument {}
extension FallbackPolicy: ExpressibleByArgument {}
extension RepetitionAction: ExpressibleByArgument {}
extension FallbackCut: ExpressibleByArgument {}
extension SamplerKind: ExpressibleByArgument {}

/// A model folder loaded for sampling.
struct LoadedModel {
  var model: Model
  var tokenizer: CharTokenizer
  var name: String

  init(folder: String?) throws {
    let url = try AssetLocator.modelFolder(explicit: folder)
    let (config, parameters, tokenizer) = try ModelFolder.loadParameters(url)
    model = Model(config: config)
    model.parameters.copy(from: parameters)
    self.tokenizer = tokenizer
    name = url.standardized.lastPathComponent
  }
}

/// Parses `3-5` or `4`.
func parseSizes(_ text: String) throws -> ClosedRange<Int> {
  let parts = text.split(separator: "-").map { Int($0.trimmingCharacters(in: .whitespaces)) }
  guard (1...2).contains(parts.count), let lo = parts.first ?? nil, let hi = parts.last ?? nil,
    lo >= 1, lo <= hi
  else { throw ValidationError("--sizes \(text) is not a size or a range like 3-5") }
  return lo...hi
}

extension Treepo {
  struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Sample a batch headlessly with the tree (TreePO) or flat (GRPO) sampler.",
      discussion: """
        Prints prompts, trajectories, mean@n and pass@n, the tokens decoded (real forward \
        positions), what flat sampling of the same trajectories would cost, prefix-shared \
        tokens, KV pages peak and wall time. --trace writes every event as JSONL.
        """)

    @Option(help: "Model folder (default: the bundled model).")
    var model: String?
    @Option(help: "Task: countdown | chain.")
    var task = "countdown"
    @Option(help: "Number of held-out problems to sample.")
    var prompts = 8
    @Option(help: "A file of prompts, one per line (instead of held-out problems).")
    var promptFile: String?
    @Option(help: "Problem sizes (numbers per Countdown problem), e.g. 4 or 3-5.")
    var sizes = "4"
    @Option(help: "tree | flat.")
    var sampler = SamplerKind.tree
    @Option(help: "Write the events to this JSONL trace file.")
    var trace: String?
    @Option(help: "OpenBLAS threads.")
    var threads = 1
    @OptionGroup var rollout: RolloutOptions

    func validate() throws {
      if prompts < 1 { throw ValidationError("--prompts \(prompts) must be at least 1") }
      _ = try parseSizes(sizes)
    }

    func run() throws {
      BLASThreads.set(threads)
      let task = try TaskCatalog.task(named: self.task)
      let loaded = try LoadedModel(folder: model)
      let texts = try promptTexts(task)
      let config = rollout.config
      let decoder = ModelSegmentDecoder(
        model: loaded.model, config: config, prompts: texts.count,
        stopTokens: [loaded.tokenizer.eosId])
      let s = try TreeSampler(
        decoder: decoder, task: task, tokenizer: loaded.tokenizer, prompts: texts, config: config,
        kind: sampler)
      var writer: TraceWriter? = nil
      if let trace {
        writer = try TraceWriter(
          url: URL(fileURLWithPath: trace),
          header: TraceHeader(
            model: loaded.name, task: task.name, config: s.configDictionary, seed: config.seed))
      }
      defer { writer?.close() }
      let progress = ProgressLine(label: "sample")
      let expected = Double(texts.count * config.n)
      try s.run { events in
        try? writer?.write(events)
        for case .roundFinished(let r) in events {
          let c = r.counters
          progress.update(
            fraction: Double(c.finished + c.stopped + c.truncated) / expected,
            fields: ["round \(r.round)", "active \(c.active)", "tokens \(c.decodedTokens)"])
        }
      }
      progress.endLine()
      print("model            \(loaded.name) (task \(task.name))")
      for line in s.summary.lines { print(line) }
      if let trace { print("trace            \(trace) (\(writer?.eventsWritten ?? 0) events)") }
    }

    func promptTexts(_ task: any ReasoningTask) throws -> [String] {
      guard let promptFile else {
        let range = try parseSizes(sizes)
        return (0..<prompts).map { task.problem(split: .heldOut, index: $0, sizes: range).prompt }
      }
      let text: String
      do { text = try String(contentsOfFile: promptFile, encoding: .utf8) } catch {
        throw ValidationError("The prompt file \(promptFile) cannot be read.")
      }
      let lines = text.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
      guard !lines.isEmpty else { throw ValidationError("The prompt file \(promptFile) is empty.") }
      return lines
    }
  }
}
