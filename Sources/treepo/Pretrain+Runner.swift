// The loop of `treepo pretrain` around a `Pretrainer`: budget, progress line, periodic held-out
// check, checkpoints, and the closing summary.

import Foundation
import TreePOEngine

enum TimeBudget {
  /// Seconds of wall-clock time.
  case wall(Double)
  /// Seconds of this process's CPU time.
  case cpu(Double)
}

final class PretrainRunner {
  let trainer: Pretrainer
  let out: URL
  let budget: TimeBudget?
  let evalEvery: Int
  let evalProblems: Int
  let checkpointEvery: Int
  let progress = ProgressLine(label: "pretrain")
  private(set) var positions = 0
  private(set) var lastLoss: Float = .nan
  private var smoothedLoss: Float?
  private(set) var trainSeconds: TimeInterval = 0
  /// Process CPU time of the training steps: on a shared machine wall time counts others' work.
  private(set) var trainCPUSeconds: Double = 0
  private(set) var history: [(step: Int, accuracy: Double)] = []
  /// The step of the checkpoint on disk, when this process wrote or resumed one.
  private var lastCheckpoint: Int?

  init(
    trainer: Pretrainer, out: URL, budget: TimeBudget?, evalEvery: Int, evalProblems: Int,
    checkpointEvery: Int
  ) {
    self.trainer = trainer
    self.out = out
    self.budget = budget
    self.evalEvery = evalEvery
    self.evalProblems = evalProblems
    self.checkpointEvery = checkpointEvery
  }

  func run() throws {
    let start = Date()
    let cpuStart = processCPUSeconds()
    let firstStep = trainer.step
    if firstStep > 0 { lastCheckpoint = firstStep }
    while trainer.step < trainer.config.totalSteps {
      let t0 = Date()
      let cpu0 = processCPUSeconds()
      let r = try trainer.trainStep()
      trainSeconds += Date().timeIntervalSince(t0)
      trainCPUSeconds += processCPUSeconds() - cpu0
      guard r.loss.isFinite, r.gradientNorm.isFinite else {
        // The weights of this step are not saved: the last checkpoint stays the last good one.
        let kept =
          lastCheckpoint.map { "the checkpoint of step \($0) in \(out.path)/checkpoint is kept" }
          ?? "no checkpoint was written"
        throw PretrainError(
          "the loss became \(r.loss) at step \(r.step) (diverged); \(kept); try a lower --lr")
      }
      positions += r.positions
      lastLoss = r.loss
      smoothedLoss = smoothedLoss.map { 0.95 * $0 + 0.05 * r.loss } ?? r.loss
      if let budget {
        // Fit the schedule to the speed so far (evaluations included), re-fitted as load varies.
        let (limit, elapsed) =
          switch budget {
          case .wall(let s): (s, Date().timeIntervalSince(start))
          case .cpu(let s): (s, processCPUSeconds() - cpuStart)
          }
        let done = trainer.step - firstStep
        if done >= 10 && (done % 10 == 0 || elapsed >= limit) {
          let perStep = elapsed / Double(done)
          trainer.setTotalSteps(trainer.step + Int(max(0, limit - elapsed) / perStep))
        }
      }
      let step = trainer.step
      let total = trainer.config.totalSteps
      progress.update(
        // Measured from this invocation's first step, so a resumed run's ETA is right too.
        fraction: Double(step - firstStep) / Double(max(total - firstStep, 1)),
        fields: [
          "step \(step)/\(total)", String(format: "loss %.3f", smoothedLoss ?? r.loss),
          String(format: "lr %.2g", r.learningRate),
          String(format: "%.0f tok/s", Double(positions) / max(trainSeconds, 1e-9)),
        ])
      if evalEvery > 0 && step % evalEvery == 0 && step < total {
        let report = try trainer.evaluate(
          EvaluationConfig(
            sizes: Array(trainer.config.sizes), problemsPerSize: evalProblems, samples: 0,
            maxTokens: trainer.config.model.maxPositions))
        let accuracy = mean(report.bySize.map(\.greedyAccuracy))
        history.append((step, accuracy))
        let bySize = report.bySize.map {
          "\($0.size): \(Int(($0.greedyAccuracy * 100).rounded()))%"
        }
        progress.note(
          String(
            format: "step %d  loss %.3f  held-out greedy %.1f%%  (", step, r.loss, 100 * accuracy)
            + bySize.joined(separator: ", ") + ")")
      }
      if checkpointEvery > 0 && step % checkpointEvery == 0 && step < total {
        try trainer.saveCheckpoint(in: out)
        lastCheckpoint = step
      }
    }
    progress.endLine()
  }

  /// Writes the model, drops the checkpoint, and runs the closing held-out check.
  func finish() throws -> (EvaluationReport, TimeInterval) {
    try trainer.saveModel(to: out)
    Pretrainer.removeCheckpoint(in: out)
    let t0 = Date()
    let report = try trainer.evaluate(
      EvaluationConfig(
        sizes: Array(trainer.config.sizes), problemsPerSize: 200, samples: 0,
        maxTokens: trainer.config.model.maxPositions))
    return (report, Date().timeIntervalSince(t0))
  }

  func summary(
    startStep: Int, report: EvaluationReport, evalSeconds: TimeInterval, command: String
  ) -> String {
    let c = trainer.config
    let params = trainer.model.layout.count
    var lines = [
      "pretrained \(c.task) (numbers \(SizeRange(c.sizes))) → \(out.path)",
      "model      \(params) parameters: width \(c.model.hiddenSize), \(c.model.numLayers) layers, "
        + "\(c.model.numHeads)/\(c.model.numKVHeads) heads, ffn \(c.model.intermediateSize), "
        + "context \(c.model.maxPositions)",
      "steps      \(startStep) → \(trainer.step) (batch \(c.batchSize), peak lr \(c.learningRate), "
        + "seed \(c.seed))",
      String(
        format: "time       %@ training (%@ CPU), %.0f positions/s (%.0f per CPU second), "
          + "%d positions; final loss %.4f",
        ProgressLine.duration(trainSeconds), ProgressLine.duration(trainCPUSeconds),
        Double(positions) / max(trainSeconds, 1e-9), Double(positions) / max(trainCPUSeconds, 1e-9),
        positions, lastLoss),
    ]
    if !history.isEmpty {
      lines.append(
        "held-out   "
          + history.suffix(6).map { "\($0.step): \(Int(($0.accuracy * 100).rounded()))%" }
          .joined(separator: "  "))
    }
    lines.append("")
    lines.append("final held-out check (greedy, \(ProgressLine.duration(evalSeconds))):")
    lines.append(report.table)
    lines.append("")
    lines.append("reproduce: \(command)")
    return lines.joined(separator: "\n")
  }

  private func mean(_ xs: [Double]) -> Double {
    xs.isEmpty ? 0 : xs.reduce(0, +) / Double(xs.count)
  }
}
