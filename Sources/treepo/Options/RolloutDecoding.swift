// The one place a rollout command (`sample`, `bench rollout`) builds its model decoder: it stops
// at the tokenizer's end-of-turn ids (a chat model's <|im_end|>, not only end-of-text) and sizes
// the KV cache to the longest prompt plus its reply, not the model's whole context (8k rows for
// SmolLM2, which would cost gigabytes over n paths per prompt).

import TreePOEngine

extension LoadedModel {
  /// Cache rows a rollout over `texts` needs: the longest prompt's tokens plus the response cap.
  func rolloutLength(_ texts: [String], config: RolloutConfig) -> Int {
    let longest = texts.map { (try? tokenizer.encode($0).count) ?? 0 }.max() ?? 0
    return longest + config.maxResponseTokens
  }

  /// The decoder of a rollout over `prompts` prompts whose paths hold at most `maxLength` tokens.
  func segmentDecoder(config: RolloutConfig, prompts: Int, maxLength: Int) -> ModelSegmentDecoder {
    ModelSegmentDecoder(
      model: model, config: config, prompts: prompts, stopTokens: Set(tokenizer.stopIds),
      maxLength: maxLength)
  }
}
