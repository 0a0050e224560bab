// `treepo bench rollout`'s variant entries and its --json lines.
//
// An entry is `policy[:threshold[:cut[:w]]]` followed by any of `+step` (tree_segment_boundary =
// step), `+distinct` (tree_distinct_siblings), `+fork` (tree_branch_position = max-entropy, with
// tree_max_depth doubled: a fork inside a segment adds a node to the path) and `+seg=N`
// (tree_max_token_per_step = N, the cap of a step-aligned segment) and `+tau=T`
// (tree_div_temperature = T, the softmax temperature of the entropy policies), e.g.
// `fixed+step+seg=10+distinct`, `branch-entropy+fork`.

import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.BenchRollout {
  func parseVariants() throws -> [Variant] {
    try variants.split(separator: ",").map { entry in
      let rules = entry.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
      var config = try policyConfig(rules[0], entry: String(entry))
      for rule in rules.dropFirst() {
        if rule == "step" {
          config.segmentBoundary = .step
        } else if rule == "distinct" {
          config.distinctSiblings = true
        } else if rule == "fork" {
          config.branchPosition = .maxEntropy
          config.maxDepth *= 2
        } else if rule.hasPrefix("seg="), let s = Int(rule.dropFirst(4)), s >= 1 {
          config.segmentLength = s
        } else if rule.hasPrefix("tau="), let t = Float(rule.dropFirst(4)), t > 0, t.isFinite {
          config.divergenceTemperature = t
        } else {
          throw ValidationError(
            "--variants: \"\(rule)\" in \"\(entry)\" is not a rule (step, distinct, fork, seg=N "
              + "with N ≥ 1, tau=T with T > 0)")
        }
      }
      return Variant(label: String(entry), config: config)
    }
  }

  /// The `policy[:threshold[:cut[:w]]]` part of an entry on top of the rollout options.
  func policyConfig(_ spec: String, entry: String) throws -> RolloutConfig {
    let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard let policy = DivergencePolicy(rawValue: parts[0]), parts.count <= 4 else {
      throw ValidationError(
        "--variants: \"\(entry)\" is not policy[:threshold[:cut[:w]]][+rule…] with a policy "
          + "among "
          + DivergencePolicy.allCases.map(\.rawValue).joined(separator: ", "))
    }
    var config = rollout.config
    config.divergencePolicy = policy
    if parts.count >= 2 && !parts[1].isEmpty {
      guard let t = Float(parts[1]), t.isFinite, t >= 0 else {
        throw ValidationError(
          "--variants: \"\(parts[1])\" in \"\(entry)\" is not an entropy threshold ≥ 0")
      }
      config.entropyThreshold = t
    }
    if parts.count >= 3 && !parts[2].isEmpty {
      guard let cut = FallbackCut(rawValue: parts[2]) else {
        throw ValidationError(
          "--variants: \"\(parts[2])\" in \"\(entry)\" is not a fallback cut (uniform, entropy)")
      }
      config.fallbackCut = cut
    }
    if parts.count == 4 {
      guard let w = Int(parts[3]), w >= 1, w <= rollout.n else {
        throw ValidationError(
          "--variants: \"\(parts[3])\" in \"\(entry)\" is not a width w in 1...--n (\(rollout.n))")
      }
      config.divergence = w
      if let wMax = config.maxInitialDivergence, wMax < w { config.maxInitialDivergence = w }
    }
    return config
  }

  /// One JSON object per variant per line: medians over the repeats and the ratios to flat.
  struct JSONLine: Encodable {
    var variant: String
    var model: String
    var task: String
    var config: [String: String]
    var prompts: Int
    var repeats: Int
    var seed: UInt64
    var n: Int
    var tokens: Double
    var wallSeconds: Double
    var cpuSeconds: Double
    var meanAtN: Double
    var passAtN: Double
    var tokensRatio: Double
    var wallRatio: Double
    var cpuRatio: Double
    var deltaMeanPoints: Double
    var deltaPassPoints: Double

    enum CodingKeys: String, CodingKey {
      case variant, model, task, config, prompts, repeats, seed, n, tokens
      case wallSeconds = "wall_s"
      case cpuSeconds = "cpu_s"
      case meanAtN = "mean_at_n"
      case passAtN = "pass_at_n"
      case tokensRatio = "tokens_ratio"
      case wallRatio = "wall_ratio"
      case cpuRatio = "cpu_ratio"
      case deltaMeanPoints = "delta_mean_pts"
      case deltaPassPoints = "delta_pass_pts"
    }

    func text() throws -> String {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
  }
}
