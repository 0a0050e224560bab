import Foundation
import Testing
import TreePOEngine

// The counters' elapsed time is the sampler's own time inside `begin`/`step`, not the wall time
// since the batch began: the explorer steps on a key press, and the pauses between presses
// inflated tok/s, saved traces and `timing_s/gen` (issue 12, item 16).

@Test func elapsedSecondsCountsEngineTimeOnly() throws {
  let sampler = try TreeSampler(
    decoder: RolloutFixtures.decoder(seed: 3), task: ToyTask(),
    tokenizer: RolloutFixtures.tokenizer, prompts: RolloutFixtures.prompts,
    config: RolloutFixtures.config())
  var last = RolloutCounters()
  for _ in 0..<3 {
    Thread.sleep(forTimeInterval: 0.2)  // the user thinking between two presses of space
    for case .roundFinished(let r) in try sampler.step() { last = r.counters }
  }
  #expect(last.elapsedSeconds > 0)
  #expect(last.elapsedSeconds < 0.3, "elapsed \(last.elapsedSeconds) s includes the pauses")
  let total = sampler.summary.counters.elapsedSeconds
  #expect(total >= last.elapsedSeconds && total < 0.3)
}

// One set of trainer defaults for `treepo train` and the explorer's `t` (issue 12, item 18): the
// values the Training pane shows come from here.
@Test func standardTrainerSettings() {
  let s = TrainerConfig.standard
  #expect(s.learningRate == 5e-5 && s.miniBatches == 2)
  #expect(s.summary["actor.optim.lr"] == "5e-05")
  #expect(s.summary["actor.ppo_mini_batches"] == "2")
}
