// The flat baseline (GRPO's sampling): n independent samples per prompt. It runs on the same
// machine as the tree sampler so the two are compared on equal terms — same decoder, same batched
// rounds, same events: the prompt is prefilled once and forked n times, and each sample is a chain
// of segment nodes (one child per round), ending by the same stop rules. No prune rule, no
// budget, no fallback: every sample counts.

public enum FlatSampler {
  public static func make(
    decoder: any SegmentDecoding, task: any ReasoningTask, tokenizer: any Tokenizer,
    prompts: [String], config: RolloutConfig, rolloutIndex: Int = 0
  ) throws -> TreeSampler {
    try TreeSampler(
      decoder: decoder, task: task, tokenizer: tokenizer, prompts: prompts, config: config,
      kind: .flat, rolloutIndex: rolloutIndex)
  }
}
