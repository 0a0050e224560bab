// What a command will allocate, estimated from the sizes it was given before anything is built, so
// `sample --prompts 4000` (a 28 GB KV cache) is one sentence instead of "failed to allocate".
// The estimates follow the engine's own sizing (ModelSegmentDecoder.pagesNeeded, the decoder's
// activations, TrainingGraph's buffers); they count what is allocated, not what is touched.

import Foundation
import TreePOEngine

enum MemoryCheck {
  static let floatBytes = 4

  /// Refuses with the figure when `bytes` exceed the memory this process can get.
  static func require(_ bytes: Double, for what: String) throws {
    guard let machine = machineMemory(), bytes > Double(machine.available) else { return }
    throw CommandError(
      "\(what) needs about \(gigabytes(bytes)) of memory, but this machine has "
        + "\(gigabytes(Double(machine.available))) available (\(gigabytes(Double(machine.total))) "
        + "in all); use smaller sizes.")
  }

  /// Weights alone.
  static func weights(_ config: ModelConfig) -> Double {
    Double(ParameterLayout(config).count) * Double(floatBytes)
  }

  /// A rollout decoder for `prompts` prompts of `n` paths (ModelSegmentDecoder's sizing): the paged
  /// KV cache, the batch's activations and each path's pending logits.
  /// `length`: the longest path's prompt + response tokens (default: the model's context).
  static func rollout(_ config: ModelConfig, prompts: Int, n: Int, length: Int? = nil) -> Double {
    let p = Double(prompts)
    let paths = p * Double(n + 2)
    let pagesPerPath = Double(
      (min(length ?? config.maxPositions, config.maxPositions) + 15) / 16 + 1)
    let page = Double(config.numLayers * 2 * 16 * config.kvDim)
    let maxBatch = min(p * Double(n), 512)
    return Double(floatBytes)
      * (paths * pagesPerPath * page + decoderActivations(config, maxBatch: maxBatch)
        + paths * Double(config.vocabSize))
  }

  static func decoderActivations(_ config: ModelConfig, maxBatch: Double) -> Double {
    let rows = max(maxBatch, Double(config.maxPositions))
    let c = Double(config.hiddenSize)
    let f = Double(config.intermediateSize)
    let perRow = 2 * c + Double(config.qDim + 2 * config.kvDim) + Double(config.qDim) + 3 * f
    return rows * perRow + maxBatch * (c + Double(config.vocabSize))
  }

  /// A training graph of `batch` sequences of `length` (activations, their gradients, and the
  /// parameter gradients), as TrainingGraph lays them out.
  static func trainingGraph(_ config: ModelConfig, batch: Int, length: Int) -> Double {
    let n = Double(batch * length)
    let c = Double(config.hiddenSize)
    let f = Double(config.intermediateSize)
    let v = Double(config.vocabSize)
    let qkv = Double(config.qDim + 2 * config.kvDim)
    let q = Double(config.qDim)
    let probs = Double(batch * config.numHeads) * Double(length * length)
    let perLayer = 4 * n * c + 2 * n + n * qkv + probs + n * q + 3 * n * f
    let rest =
      4 * n * c + 6 * n + 2 * n * v + n * qkv + n * q + 3 * n * f
      + Double(batch) * Double(length * length)
    return Double(floatBytes) * (Double(config.numLayers) * perLayer + rest) + weights(config)
  }

  /// Weights, gradients and AdamW's two moments of a model being trained, plus its graph.
  static func training(_ config: ModelConfig, batch: Int, length: Int) -> Double {
    3 * weights(config) + trainingGraph(config, batch: batch, length: length)
  }

  /// Memory this process can allocate: MemAvailable, capped by a cgroup limit when there is one.
  static func machineMemory() -> (available: Int, total: Int)? {
    guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else {
      return nil
    }
    func field(_ name: String) -> Int? {
      guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") })
      else { return nil }
      return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
    guard let total = field("MemTotal"), let available = field("MemAvailable") else { return nil }
    if let limit = (try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8))
      .flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }), limit < total
    {
      return (min(available, limit), limit)
    }
    return (available, total)
  }

  static func gigabytes(_ bytes: Double) -> String {
    bytes >= 1e12
      ? String(format: "%.1f TB", bytes / 1e12)
      : bytes >= 1e9
        ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.0f MB", bytes / 1e6)
  }
}
