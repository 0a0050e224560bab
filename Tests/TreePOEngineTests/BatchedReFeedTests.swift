import Testing
import TreePOEngine
import TreePOTestSupport

// tree_branch_position=max-entropy re-feeds one position per fork; a round's re-feeds go through
// the model as one batched decode step. Pinned on the bundled model: the trees sampled per seed are
// the ones sampled when each re-feed was its own batch-of-one step (golden digests recorded then).

/// FNV-1a over every trajectory's prompt index and response tokens, in order.
private func digest(_ trajectories: [Trajectory]) -> UInt64 {
  var h: UInt64 = 0xcbf2_9ce4_8422_2325
  func mix(_ v: Int) {
    h ^= UInt64(bitPattern: Int64(v))
    h &*= 0x100_0000_01b3
  }
  for t in trajectories {
    mix(t.prompt)
    for token in t.responseTokens { mix(token) }
    mix(-1)
  }
  return h
}

private func forkRollout(seed: UInt64) throws -> (trajectories: [Trajectory], forks: Int) {
  let (model, tokenizer) = try BundledModel.load()
  var config = RolloutConfig()
  config.n = 16
  config.segmentLength = 6
  config.maxResponseTokens = 48
  config.branchPosition = .maxEntropy
  config.seed = seed
  let task = CountdownTask()
  let prompts = (0..<6).map { task.problem(split: .heldOut, index: $0, size: 4).prompt }
  let decoder = ModelSegmentDecoder(
    model: model, config: config, prompts: prompts.count, stopTokens: Set(tokenizer.stopIds))
  let sampler = try TreeSampler(
    decoder: decoder, task: task, tokenizer: tokenizer, prompts: prompts, config: config)
  var forks = 0
  try sampler.run { events in
    for case .nodeSpawned(let s) in events where s.forkEntropy != nil { forks += 1 }
  }
  #expect(decoder.livePaths == 0 && decoder.pagesInUse == 0)
  return (sampler.trajectories, forks)
}

@Test(arguments: [1, 2, 3] as [UInt64])
func forkTreesPerSeedAreTheOnesSampledBeforeBatching(seed: UInt64) throws {
  let (trajectories, forks) = try forkRollout(seed: seed)
  let logprobSum = trajectories.reduce(0.0) {
    $0 + $1.samplingLogprobs.reduce(0.0) { $0 + Double($1) }
  }
  // Recorded at 03bd4c2 (one decode step per re-feed): (digest, forks, Σ sampling log-probs).
  let golden: [UInt64: (UInt64, Int, Double)] = [
    1: (0xed07_8813_0ee5_41a4, 92, -517.0200881958008),
    2: (0xdf5b_3d53_6875_371a, 88, -538.4672150611877),
    3: (0xb0ea_1f7c_e265_3b64, 78, -527.3267364501953),
  ]
  let (want, wantForks, wantSum) = golden[seed]!
  print("seed \(seed): \(forks) forks, Σ log-prob \(logprobSum) vs \(wantSum)")
  #expect(trajectories.count == 96)
  #expect(forks == wantForks)
  #expect(
    digest(trajectories) == want,
    "seed \(seed): digest \(String(digest(trajectories), radix: 16)) vs \(String(want, radix: 16))")
  // The same tokens under every OpenBLAS core type; the sum's last bits are the kernels' (2e-5 of
  // 517 apart between Haswell, SkylakeX, Cooperlake and Prescott, 2026-12-02).
  expectCloseFloats(
    "Σ sampling log-probs", [logprobSum], [wantSum], tolerance: 2e-7, relative: true)
}
