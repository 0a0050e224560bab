import Foundation
import TreePOEngine

/// The train command's loop around `TrainLoop`: progress, metrics JSONL, traces, evaluation,
/// checkpoints and the closing summary.
struct TrainRunner {
  let command: Treepo.Train
  let loop: TrainLoop
  let task: any ReasoningTask
  let root: URL
  let modelName: String
  var curve: [(step: Int, accuracy: Double, tokens: Int, seconds: Double)] = []
  var decodedTokens = 0
  /// What the run was estimated to allocate (printed in the summary).
  var memory: MemoryPlan?

  init(
    command: Treepo.Train, loop: TrainLoop, task: any ReasoningTask, root: URL, modelName: String
  ) {
    self.command = command
    self.loop = loop
    self.task = task
    self.root = root
    self.modelName = modelName
  }

  mutating func train() throws {
    let metricsURL = root.appendingPathComponent("metrics.jsonl")
    // The budget counts training time (rollout + update), not the held-out evaluations.
    var trainSeconds = 0.0
    if loop.step > 0 { trainSeconds = try restoreLogs() }
    let metricsFile = try Self.appending(to: metricsURL)
    defer { try? metricsFile.close() }
    let progress = ProgressLine(label: "train")
    let start = Date()
    let budget = command.timeBudget * 60
    let lastStep = command.totalSteps ?? Int.max
    var skipped = 0
    var ending = "--steps \(lastStep) reached"
    if curve.last?.step != loop.step { try evaluate(progress, elapsed: trainSeconds) }
    while loop.step < lastStep {
      if budget > 0, trainSeconds >= budget {
        ending = "--time-budget \(ProgressLine.duration(budget)) of training used"
        break
      }
      let step = try loop.runStep(computeChanges: !command.noTraces)
      let m = step.result.metrics
      trainSeconds += m["timing_s/step"] ?? 0
      decodedTokens += Int(m["tree/decoded_tokens"] ?? 0)
      try metricsFile.write(
        contentsOf: Data((metricsLine(step: loop.step, metrics: m) + "\n").utf8))
      if !command.noTraces { try writeTrace(step) }
      if let why = step.result.skipped {
        skipped += 1
        progress.note("step \(loop.step) skipped: \(why)")
      }
      let byBudget = budget > 0 ? trainSeconds / budget : 0
      let fraction =
        command.totalSteps == nil ? byBudget : max(byBudget, Double(loop.step) / Double(lastStep))
      progress.update(
        fraction: fraction,
        fields: [
          "step \(loop.step)", String(format: "score %.3f", m["critic/score/mean"] ?? 0),
          String(format: "pg_loss %+.4f", m["actor/pg_loss"] ?? 0),
          String(format: "clip %.3f", m["actor/pg_clipfrac"] ?? 0),
          String(format: "kl %+.4f", m["actor/ppo_kl"] ?? 0),
          String(format: "ent %.3f", m["actor/entropy"] ?? 0),
          String(format: "len %.1f", m["response_length/mean"] ?? 0),
          "tok \(decodedTokens)",
          String(format: "%.1fs/step", m["timing_s/step"] ?? 0),
        ], force: true)
      if command.evalEvery > 0, loop.step % command.evalEvery == 0 {
        try evaluate(progress, elapsed: trainSeconds)
      }
      if command.saveEvery > 0, loop.step % command.saveEvery == 0 { try save(progress) }
    }
    if curve.last?.step != loop.step { try evaluate(progress, elapsed: trainSeconds) }
    if command.saveEvery == 0 || loop.step % command.saveEvery != 0 { try save(progress) }
    progress.endLine()
    printSummary(
      elapsed: Date().timeIntervalSince(start), trainSeconds: trainSeconds, skipped: skipped,
      ending: ending)
  }

  /// After a resume: the logs lose what the interrupted process wrote past the checkpoint, and
  /// the token count, training time and accuracy curve continue from what they were there.
  /// Returns the training seconds so far.
  mutating func restoreLogs() throws -> Double {
    let metrics = try RunFolder.truncateLog(
      root.appendingPathComponent("metrics.jsonl"), toStep: loop.step)
    decodedTokens = Int(metrics.reduce(0) { $0 + ($1.data["tree/decoded_tokens"] as? Double ?? 0) })
    let seconds = metrics.reduce(0) { $0 + ($1.data["timing_s/step"] as? Double ?? 0) }
    let evals = try RunFolder.truncateLog(
      root.appendingPathComponent("eval.jsonl"), toStep: loop.step)
    curve = evals.map { record in
      (
        record.step, record.data["val/greedy_acc"] as? Double ?? 0,
        Int(record.data["val/decoded_tokens"] as? Double ?? 0),
        record.data["val/train_seconds"] as? Double ?? 0
      )
    }
    return seconds
  }

  /// A log file opened for appending (created if missing); a failure names the file.
  static func appending(to url: URL) throws -> FileHandle {
    try FileErrors.explained(path: url.path, doing: "open it for writing") {
      if !FileManager.default.fileExists(atPath: url.path) {
        try Data().write(to: url)
      }
      let file = try FileHandle(forWritingTo: url)
      try file.seekToEnd()
      return file
    }
  }

  mutating func evaluate(_ progress: ProgressLine, elapsed: Double) throws {
    // Held-out problems as training sees them (chat template included), replies as long as a
    // training path's at most; a prompt file is evaluated on its own first questions.
    let fileCount = loop.config.problemCount
    let sizes = fileCount == nil ? Array(command.evalSizes.range) : [ArithTask.fileLevel]
    let perSize = min(command.evalProblems, fileCount ?? command.evalProblems)
    let maxTokens = loop.config.rollout.maxResponseTokens
    let longest =
      try sizes.flatMap { size in
        try (0..<perSize).map {
          try loop.tokenizer.encode(task.problem(split: .heldOut, index: $0, size: size).prompt)
            .count
        }
      }.max() ?? 0
    let sampler = ModelCompletionSampler(
      model: loop.model, stopTokens: Set(loop.tokenizer.stopIds),
      maxLength: min(loop.model.config.maxPositions, longest + maxTokens),
      maxPrompt: longest)
    let config = EvaluationConfig(
      sizes: sizes, problemsPerSize: perSize, samples: 0, temperature: 1, maxTokens: maxTokens,
      seed: 0)
    let report = try Evaluator(task: task, tokenizer: loop.tokenizer, sampler: sampler).run(config)
    let correct = report.bySize.reduce(0) { $0 + $1.greedyCorrect }
    let total = report.bySize.reduce(0) { $0 + $1.problems }
    let accuracy = Double(correct) / Double(max(total, 1))
    curve.append((loop.step, accuracy, decodedTokens, elapsed))
    progress.note(
      String(
        format: "eval step %d: held-out greedy %.1f%% (%d/%d), %d tokens decoded, %.0fs trained",
        loop.step, 100 * accuracy, correct, total, decodedTokens, elapsed))
    let line = metricsLine(
      step: loop.step,
      metrics: [
        "val/greedy_acc": accuracy, "val/decoded_tokens": Double(decodedTokens),
        "val/train_seconds": elapsed,
      ])
    let file = try Self.appending(to: root.appendingPathComponent("eval.jsonl"))
    defer { try? file.close() }
    try file.write(contentsOf: Data((line + "\n").utf8))
  }

  func save(_ progress: ProgressLine) throws {
    let folder = try loop.saveCheckpoint(root: root)
    progress.note("checkpoint \(folder.path)")
  }

  func writeTrace(_ step: TrainLoopStep) throws {
    let dir = root.appendingPathComponent("traces")
    try FileErrors.explained(path: dir.path, doing: "create the folder") {
      try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }
    let writer = try TraceWriter(
      url: dir.appendingPathComponent("step_\(loop.step).jsonl"),
      header: TraceHeader(
        model: modelName, task: task.name, config: loop.config.rollout.dictionary,
        seed: loop.config.seed))
    defer { writer.close() }
    try writer.write(step.events)
  }

  func printSummary(elapsed: Double, trainSeconds: Double, skipped: Int, ending: String) {
    print("run              \(root.path) (model \(modelName), task \(task.name))")
    print(
      "sampler          \(command.sampler.rawValue), "
        + "advantage \(command.trainer.advantage.rawValue), "
        + "\(command.promptsPerStep) prompts × n=\(command.rollout.n) per step")
    print(
      "steps            \(loop.step) (\(skipped) skipped) in "
        + "\(ProgressLine.duration(trainSeconds)) of training, "
        + "\(ProgressLine.duration(elapsed)) with evaluations")
    print("ended            \(ending)")
    print("decoded tokens   \(decodedTokens)")
    if let memory {
      print(
        String(format: "memory plan      %.2f GB allocated: ", Double(memory.total) / 1e9)
          + memory.summary)
    }
    print("held-out greedy  step   accuracy   tokens  train time")
    for point in curve {
      print(
        String(
          format: "                 %4d   %6.1f%%   %9d   %6.0fs", point.step, 100 * point.accuracy,
          point.tokens, point.seconds))
    }
    if let first = curve.first, let last = curve.last {
      print(String(format: "change           %+.1f points", 100 * (last.accuracy - first.accuracy)))
    }
  }
}
