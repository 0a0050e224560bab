import ArgumentParser
import Foundation
import TreePOEngine
import TreePOExplorer

extension Treepo {
  /// `treepo` / `treepo explore`: live TreePO sampling on a real model, with the PPO update on a
  /// key. The engine runs on its own thread (`EngineSession`); the UI only queues commands.
  struct Explore: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Open the explorer live on the bundled model (the default command).",
      discussion: """
        space decodes one round, r runs/pauses, t trains on the trees on screen (with the same \
        defaults as `treepo train`), b starts a new batch, s saves the trace so far, w saves the \
        trained weights, ? lists every key.
        """)

    @OptionGroup var model: ModelOption
    @OptionGroup var task: TaskOptions
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
      let task = try self.task.task.make()
      let loaded = try model.load()
      let sizes = self.task.sizes.range
      let config = rollout.config
      let trainerConfig = trainer.config(for: loaded.model.config)
      try MemoryCheck.require(
        MemoryCheck.rollout(loaded.model.config, prompts: batchSize, n: config.n)
          + MemoryCheck.training(
            loaded.model.config, batch: trainerConfig.microBatchSize,
            length: loaded.model.config.maxPositions),
        for: "A batch of --batch-size \(batchSize) × --n \(config.n)")
      let header = TraceHeader(
        model: loaded.name, task: task.name,
        config: config.dictionary.merging(trainerConfig.summary) { $1 }, seed: config.seed)
      // The live explorer saves weights as our own folders, whose vocabulary is characters.
      guard let tokenizer = loaded.tokenizer as? CharTokenizer else {
        throw CommandError(
          "--model \(loaded.name): the live explorer runs on character-level task models only "
            + "(its saved weights keep a character vocabulary).")
      }
      let (model, batchSize) = (loaded.model, self.batchSize)
      let weightsDir = self.weightsDir

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
            var parts = EngineParts.live(
              model: model, task: task, tokenizer: tokenizer, config: config,
              batchSize: batchSize, sizes: sizes
            ).training(with: PolicyTrainer(model: model, config: trainerConfig))
            parts.saveWeights = { step in
              try WeightsSaver.save(model, tokenizer: tokenizer, step: step, in: weightsDir)
            }
            return parts
          })
        var loop = TerminalLoop(
          screen: Explorer(
            mode: .live, colorDepth: terminal.colorSupport.depth, settings: header.config),
          terminal: terminal, wake: wake, inbox: inbox, engine: SessionEngine(session),
          saveTrace: { try recorder.save() })
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
