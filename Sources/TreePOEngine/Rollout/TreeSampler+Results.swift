// What a finished rollout hands on: trajectories for training and a summary for people.

import Foundation

extension TreeSampler {
  /// One trajectory per counted leaf (never a pruned one), prompts in order.
  public var trajectories: [Trajectory] {
    prompts.enumerated().flatMap { p, state in
      state.leaves.map { leaf in
        let chain = pathNodes(leaf)
        return Trajectory(
          prompt: p, promptTokens: state.tokens, nodes: chain,
          segmentLengths: chain.map { nodes[$0].tokens.count },
          responseTokens: responseTokens(leaf),
          samplingLogprobs: chain.flatMap { nodes[$0].logprobs },
          reward: nodes[leaf].reward ?? 0, outcome: nodes[leaf].outcome ?? .truncated)
      }
    }
  }

  public var summary: RolloutSummary {
    var means: [Double] = []
    var passes = 0
    var shortfalls: [String] = []
    for (p, state) in prompts.enumerated() {
      let rewards = state.leaves.map { Double(nodes[$0].reward ?? 0) }
      means.append(rewards.isEmpty ? 0 : rewards.reduce(0, +) / Double(rewards.count))
      if rewards.contains(where: { $0 > 0 }) { passes += 1 }
      if let why = state.shortfall {
        shortfalls.append("prompt \(p): \(state.leaves.count) of \(config.n) (\(why))")
      }
    }
    return RolloutSummary(
      sampler: kind, prompts: prompts.count, n: config.n,
      trajectories: prompts.reduce(0) { $0 + $1.leaves.count },
      meanAtN: means.isEmpty ? 0 : means.reduce(0, +) / Double(means.count),
      passAtN: prompts.isEmpty ? 0 : Double(passes) / Double(prompts.count),
      rounds: round, counters: snapshot(), shortfalls: shortfalls)
  }
}

public struct RolloutSummary: Sendable, Equatable {
  public var sampler: SamplerKind
  public var prompts: Int
  public var n: Int
  public var trajectories: Int
  /// Mean reward per prompt, averaged over prompts.
  public var meanAtN: Double
  /// Fraction of prompts with at least one correct trajectory.
  public var passAtN: Double
  public var rounds: Int
  public var counters: RolloutCounters
  /// Prompts that ended with fewer than n trajectories, and why.
  public var shortfalls: [String]
}

extension TreeSampler {
  /// Gives every path the rollout still holds back to the decoder (a batch dropped mid-way or after
  /// an error). The sampler is done afterwards.
  public func abandon() {
    started = true
    for (_, path) in paths { decoder.free(path) }
    paths.removeAll()
    for p in prompts.indices where !prompts[p].done {
      prompts[p].pending = []
      prompts[p].done = true
      prompts[p].shortfall = prompts[p].shortfall ?? "abandoned"
    }
  }
}
