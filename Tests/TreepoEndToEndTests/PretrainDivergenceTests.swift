import Foundation
import Testing
import TreePOEngine

// Item 8: a pretraining run that diverges stops with a sentence and leaves the last good
// checkpoint on disk (finite weights, an earlier step), never the diverged weights. Item 12: a
// resume drops what an interrupted checkpoint save left behind.

private let tinyModel = [
  "pretrain", "--hidden-size", "16", "--layers", "1", "--heads", "2", "--kv-heads", "1",
  "--ffn", "32", "--numbers", "3", "--batch-size", "2", "--eval-every", "0",
]

@Suite struct PretrainDivergenceTests {
  @Test func aDivergedStepKeepsTheLastGoodCheckpoint() throws {
    let out = try Command.scratch("diverge")
    defer { try? FileManager.default.removeItem(at: out) }
    let r = try Command.treepo(
      tinyModel + ["--lr", "1e30", "--warmup", "0", "--steps", "40", "--checkpoint-every", "1"]
        + ["--out", out.path])
    #expect(r.status == 1, "\(r.output)")
    let error = r.lines.last.map(String.init) ?? ""
    #expect(error.hasPrefix("Error: the loss became "), "\(r.output)")
    #expect(error.contains("(diverged)") && error.contains("is kept"), "\(error)")
    let (_, parameters, _) = try ModelFolder.loadParameters(
      out.appendingPathComponent("checkpoint"))
    let bad = (0..<parameters.count).first { !parameters[$0].isFinite }
    #expect(bad == nil, "the checkpoint holds non-finite weight \(bad ?? 0)")
  }

  /// The state a kill between the two renames of a checkpoint swap leaves: the previous
  /// checkpoint set aside as checkpoint.old, a finished checkpoint.partial, a temporary file.
  @Test func resumeRecoversAnInterruptedSave() throws {
    let out = try Command.scratch("ptresume")
    defer { try? FileManager.default.removeItem(at: out) }
    let tokenizer = CharTokenizer()
    let model = ModelConfig(
      vocabSize: tokenizer.vocabSize, hiddenSize: 16, intermediateSize: 32, numLayers: 1,
      numHeads: 2, numKVHeads: 1, maxPositions: 80, eosTokenId: tokenizer.eosId)
    let trainer = try Pretrainer(
      config: PretrainConfig(model: model, sizes: 3...3, batchSize: 2, totalSteps: 4))
    try trainer.trainStep()
    try trainer.saveCheckpoint(in: out)
    let fm = FileManager.default
    try fm.moveItem(
      at: out.appendingPathComponent("checkpoint"), to: out.appendingPathComponent("checkpoint.old")
    )
    try fm.createDirectory(
      at: out.appendingPathComponent("checkpoint.partial"), withIntermediateDirectories: true)
    let stale = out.appendingPathComponent("config.json.tmp-999999999")
    try Data("{".utf8).write(to: stale)

    let r = try Command.treepo(["pretrain", "--resume", "--steps", "2", "--out", out.path])
    #expect(r.status == 0, "\(r.output)")
    #expect(r.output.contains("steps      1 → 2 (batch 2"), "\(r.output)")
    for name in ["checkpoint.old", "checkpoint.partial", stale.lastPathComponent] {
      #expect(!fm.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
    }
  }
}
