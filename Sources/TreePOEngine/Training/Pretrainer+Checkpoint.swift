// Pre-training checkpoints. The finished model is an HF folder written into `--out` (each file
// atomically). While training, `<out>/checkpoint/` holds the weights, the AdamW state and the run's
// config; it is written whole into `checkpoint.partial/` and then swapped in by renames, so an
// interruption at any moment leaves either the previous or the new checkpoint, never a mixture.

import Foundation

extension Pretrainer {
  public static let checkpointFolder = "checkpoint"

  /// Writes the current weights as a model folder (config, weights, tokenizer) into `url`.
  public func saveModel(to url: URL) throws {
    try ModelFolder.save(
      config: model.config, parameters: model.parameters, tokenizer: tokenizer, to: url)
  }

  /// Writes `<out>/checkpoint/` (weights, optimizer, config, step) so `resume(from:)` can continue.
  public func saveCheckpoint(in out: URL) throws {
    let fm = FileManager.default
    let final = out.appendingPathComponent(Self.checkpointFolder)
    let partial = out.appendingPathComponent(Self.checkpointFolder + ".partial")
    let old = out.appendingPathComponent(Self.checkpointFolder + ".old")
    try fm.createDirectory(at: out, withIntermediateDirectories: true)
    try? fm.removeItem(at: partial)
    try saveModel(to: partial)
    let configJSON = String(decoding: try JSONEncoder().encode(config), as: UTF8.self)
    try ModelFolder.saveOptimizer(
      OptimizerState(
        step: optimizer.step, m: optimizer.m, v: optimizer.v,
        training: ["pretrain_config": configJSON, "step": String(step)]),
      to: partial)
    try? fm.removeItem(at: old)
    if fm.fileExists(atPath: final.path) { try fm.moveItem(at: final, to: old) }
    try fm.moveItem(at: partial, to: final)
    try? fm.removeItem(at: old)
  }

  /// After an interrupted save: drops the half-written `checkpoint.partial/`, and puts the previous
  /// checkpoint back when the process died between the two renames of the swap.
  public static func removeInterruptedCheckpoint(in out: URL) {
    let fm = FileManager.default
    let final = out.appendingPathComponent(checkpointFolder)
    let old = out.appendingPathComponent(checkpointFolder + ".old")
    try? fm.removeItem(at: out.appendingPathComponent(checkpointFolder + ".partial"))
    if !fm.fileExists(atPath: final.path) && fm.fileExists(atPath: old.path) {
      try? fm.moveItem(at: old, to: final)
    }
    try? fm.removeItem(at: old)
  }

  /// Removes `<out>/checkpoint/` once the run is complete.
  public static func removeCheckpoint(in out: URL) {
    try? FileManager.default.removeItem(at: out.appendingPathComponent(checkpointFolder))
  }

  /// Continues the run saved in `<out>/checkpoint/`.
  public static func resume(from out: URL) throws -> Pretrainer {
    let folder = out.appendingPathComponent(checkpointFolder)
    guard FileManager.default.fileExists(atPath: folder.path) else {
      throw PretrainError("there is no checkpoint to resume in \(folder.path)")
    }
    let (modelConfig, parameters, tokenizer) = try ModelFolder.loadParameters(folder)
    guard
      let state = try ModelFolder.loadOptimizer(folder, parameterCount: parameters.count),
      let json = state.training["pretrain_config"], let stepText = state.training["step"],
      let step = Int(stepText)
    else {
      throw PretrainError(
        "\(folder.path) holds no pre-training state (optimizer.safetensors with its config)")
    }
    var config: PretrainConfig
    do {
      config = try JSONDecoder().decode(PretrainConfig.self, from: Data(json.utf8))
    } catch {
      throw PretrainError("the run config saved in \(folder.path) does not decode: \(error)")
    }
    config.model = modelConfig  // config.json is the source of truth for the weights' shapes
    let model = Model(config: modelConfig)
    model.parameters.copy(from: parameters)
    let trainer = try Pretrainer(config: config, model: model, tokenizer: tokenizer, step: step)
    trainer.optimizer.m.copy(from: state.m)
    trainer.optimizer.v.copy(from: state.v)
    trainer.optimizer.step = state.step
    return trainer
  }
}
