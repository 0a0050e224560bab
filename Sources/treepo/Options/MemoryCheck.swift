// What a command will allocate, estimated from the sizes it was given before anything is built, so
// `sample --prompts 4000` (a 28 GB KV cache) is one sentence instead of "failed to allocate".
// The estimate is the engine's MemoryPlan, part by part (weights, decode copy, gradients, AdamW,
// graphs, KV cache, …); it counts what is allocated, not what is touched.

import Foundation
import TreePOEngine

enum MemoryCheck {
  /// Refuses with the figure when the parts of `plan` not allocated yet (all but `allocated`,
  /// e.g. the weights of the model already loaded) exceed the memory this process can get.
  static func require(
    _ plan: MemoryPlan, allocated: Set<MemoryPlan.Part> = [], for what: String
  ) throws {
    let needed = plan.excluding(allocated)
    guard let machine = machineMemory(), Double(needed.total) > Double(machine.available) else {
      return
    }
    let largest = needed.bytes.max { $0.value < $1.value }!
    throw CommandError(
      "\(what) needs about \(gigabytes(Double(needed.total))) of memory, but this machine has "
        + "\(gigabytes(Double(machine.available))) available (\(gigabytes(Double(machine.total))) "
        + "in all); use smaller sizes (the largest part, the \(largest.key.rawValue), is "
        + "\(gigabytes(Double(largest.value)))).")
  }

  /// The parts a loaded model already holds.
  static let loadedModel: Set<MemoryPlan.Part> = [.weights, .decodeCopy]

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
