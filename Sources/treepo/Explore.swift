import ArgumentParser
import Foundation
import TreePOEngine
import TreePOExplorer

extension Treepo {
  /// `treepo` / `treepo explore`: live TreePO sampling on a real model, with the PPO update on a
  /// key. The engine runs on its own thread (`EngineSession`); the UI only queues commands.
  /// A model that writes text (byte-level BPE, e.g. smollm2-135m) gets the arith task's questions
  /// through its chat template, 16-token segments 8 deep, and its first round at once.
  struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open the explorer live on the bundled model (the default command).",
      discussion: """
        space decodes one round, r runs/pauses, t trains on the trees on screen (with the same \
        defaults as `treepo train`), b starts a new batch, s saves the trace so far, w saves the \
        trained weights, ? lists every key. With a text model (--model smollm2-135m, a GGUF file \
        or a Hugging Face folder) the task defaults to arith, questions go through the model's \
        chat template, segments are 16 tokens 8 deep, and the first round starts at once.
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOptions
    @OptionGroup var chat: ChatOptions
    @Option(help: "Prompts per batch.")
    var batchSize = 4
    @Option(help: "Folder where `s` saves traces.")
    var traceDir = "."
    @Option(help: "Folder where `w` saves the trained weights (a model folder per save).")
    var weightsDir = "."
    @OptionGroup var threads: ThreadOptions
    @OptionGroup var rollout: RolloutOptions
    @OptionGroup var trainer: TrainerOptions
    @OptionGroup var screen: ScreenOptions

    func validate() throws { try Check.atLeast("--batch-size", batchSize, 1) }

    func run() throws {
      // Everything that can fail on bad input happens before the screen opens.
      threads.apply()
      let loaded = try model.load()
      let text = !(loaded.tokenizer is CharTokenizer)
      let choice = self.task.task(forText: text)
      let sizes = try self.task.sizes(for: choice)
      let task = try loaded.formatted(try choice.make(), raw: chat.raw)
      let config = rollout.config(text: text)
      let trainerConfig = trainer.config(for: loaded.model.config)
      // A real model's context (thousands) would size the KV cache for replies it never writes.
      let maxLength =
        text
        ? try LiveShape.maxLength(
          task, tokenizer: loaded.tokenizer, sizes: sizes, config: config, model: loaded.model)
        : nil
      let modelConfig = loaded.model.config
      try MemoryCheck.require(
        MemoryPlan.rollout(modelConfig, prompts: batchSize, n: config.n, length: maxLength)
          + MemoryPlan.trainer(
            modelConfig, trainer: trainerConfig,
            length: PolicyTrainer.graphLength(initial: maxLength, needed: 0, config: modelConfig)),
        for: "A batch of --batch-size \(batchSize) × --n \(config.n)")
      let header = TraceHeader(
        model: loaded.name, task: task.name,
        config: config.dictionary.merging(trainerConfig.summary) { $1 }, seed: config.seed)
      let (model, tokenizer, batchSize) = (loaded.model, loaded.tokenizer, self.batchSize)
      let (weightsDir, chatTemplate) = (self.weightsDir, loaded.chatTemplate)

      try ScreenSession.run(options: screen) { terminal, wake in
        let inbox = EventInbox(wake: wake)
        let recorder = TraceRecorder(header: header, directory: traceDir)
        let session = EngineSession(
          events: { event in
            recorder.append(event)
            inbox.post(event)
          },
          status: { inbox.post($0) },
          make: {
            // Built on the engine thread; the trainer updates the model the decoder samples from.
            let live = EngineParts.live(
              model: model, task: task, tokenizer: tokenizer, config: config,
              batchSize: batchSize, sizes: sizes, maxLength: maxLength)
            // The trainer's graph is sized to the live paths' length: sized to a real model's
            // whole context (8k on SmolLM2) it would ask for hundreds of GB.
            var parts = live.training(
              with: PolicyTrainer(model: model, config: trainerConfig, maxLength: maxLength))
            parts.saveWeights = { step in
              try WeightsSaver.save(
                model, tokenizer: tokenizer, chatTemplate: chatTemplate, step: step,
                in: weightsDir)
            }
            return parts
          })
        // A real model's round takes seconds: start the first at once (the task models wait for
        // space, as they always have).
        if text { session.send(.stepRound) }
        var explorer = Explorer(
          mode: .live, colorDepth: terminal.colorSupport.depth, settings: header.config)
        explorer.modelLabel = LiveShape.label(name: loaded.name, model: model)
        var loop = TerminalLoop(
          screen: explorer, terminal: terminal, wake: wake, inbox: inbox,
          engine: SessionEngine(session), saveTrace: { try recorder.save() })
        return loop.run()
      }
    }
  }
}

/// The explorer's engine commands onto the session's queue.
final class SessionEngine: LiveEngine {
  let session: EngineSession

  init(_ session: EngineSession) {
    self.session = session
  }

  func perform(_ command: ExplorerCommand) {
    switch command {
    case .stepRound: session.send(.stepRound)
    case .toggleRun: session.send(.toggleRun)
    case .trainStep: session.send(.trainStep)
    case .newBatch: session.send(.newBatch)
    case .saveWeights: session.send(.saveWeights)
    case .quit, .redraw, .saveTrace: break
    }
  }

  /// A step in progress (a train step can take seconds) must not hold the terminal: wait briefly,
  /// then leave; the process exit ends the engine thread.
  func shutdown() {
    session.shutdown(timeout: 2)
  }
}

/// Sizes the live explorer derives from the model and task.
enum LiveShape {
  /// Positions the longest path can hold: the longest of the first batches' prompts (64 problems
  /// are encoded; later prompts of the same task are alike) plus a margin and the response.
  static func maxLength(
    _ task: any ReasoningTask, tokenizer: any Tokenizer, sizes: ClosedRange<Int>,
    config: RolloutConfig, model: Model
  ) throws -> Int {
    var longest = 0
    for i in 0..<64 {
      let prompt = task.problem(split: .train, index: i, sizes: sizes).prompt
      longest = max(longest, try tokenizer.encode(prompt).count)
    }
    return min(model.config.maxPositions, 2 * longest + config.maxResponseTokens)
  }

  /// "smollm2-135m · 134.5M": the model and its parameter count.
  static func label(name: String, model: Model) -> String {
    "\(name) · \(parameterCount(model.layout.count))"
  }

  static func parameterCount(_ n: Int) -> String {
    let v = Double(n)
    func one(_ x: Double, _ unit: String) -> String {
      (x >= 100 ? String(Int(x.rounded())) : String(format: "%.1f", x)) + unit
    }
    if v >= 1e9 { return one(v / 1e9, "B") }
    if v >= 1e6 { return one(v / 1e6, "M") }
    if v >= 1e3 { return one(v / 1e3, "K") }
    return "\(n)"
  }
}
