import Testing
import TreePOEngine

// config.json of the Llama family beyond Llama: each architecture's defaults, Qwen2's implicit
// biases, sliding windows refused in one sentence unless they cover the whole context, and EOS
// lists.

@Suite struct HFConfigArchitectureTests {
  static let sizes = """
    "vocab_size": 22, "hidden_size": 8, "intermediate_size": 12, "num_hidden_layers": 1,
    "num_attention_heads": 2, "num_key_value_heads": 1
    """

  func parse(_ keys: String) throws(CheckpointError) -> ModelConfig {
    try ModelConfig(hfConfig: Array("{\(Self.sizes), \(keys)}".utf8), path: "config.json")
  }

  func failure(_ keys: String) -> String? {
    do {
      _ = try parse(keys)
      return nil
    } catch {
      return error.description
    }
  }

  @Test func qwen2HasBiasesAndItsOwnDefaults() throws {
    let config = try parse(#""model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"]"#)
    #expect(config.attentionBias)
    #expect(config.maxPositions == 32768)
    #expect(config.rmsNormEps == 1e-6)
    #expect(try !parse(#""model_type": "llama""#).attentionBias)
  }

  @Test func qwen2SlidingWindowOnlyWhenUsed() throws {
    #expect(try parse(#""model_type": "qwen2", "sliding_window": 16"#).maxPositions == 32768)
    #expect(
      failure(#""model_type": "qwen2", "use_sliding_window": true, "sliding_window": 16"#)
        == "config.json: \"sliding_window\" is 16, smaller than the context of 32768 positions, "
        + "but the engine has no sliding-window attention.")
  }

  @Test func mistralWithoutAWindowIsLlama() throws {
    let config = try parse(
      #""model_type": "mistral", "sliding_window": null, "rope_theta": 1000000.0, "eos_token_id": 2"#
    )
    #expect(!config.attentionBias)
    #expect(config.ropeTheta == 1_000_000)
    #expect(config.maxPositions == 131072)
    #expect(config.eosTokenIds == [2])
    // A window as large as the context changes nothing either.
    #expect(
      try parse(
        #""model_type": "mistral", "sliding_window": 64, "max_position_embeddings": 64"#
      ).maxPositions == 64)
  }

  @Test func mistralWindowSmallerThanTheContextIsRefused() {
    // MistralConfig's default window is 4096: saying nothing means a window.
    #expect(
      failure(#""model_type": "mistral""#)
        == "config.json: \"sliding_window\" is 4096, smaller than the context of 131072 "
        + "positions, but the engine has no sliding-window attention.")
  }

  @Test func otherArchitecturesAreRefusedByName() {
    #expect(
      failure(#""model_type": "gemma""#)
        == "config.json: \"model_type\" is \"gemma\", but the engine runs only llama, qwen2 "
        + "and mistral.")
    #expect(
      failure(#""model_type": "llama", "architectures": ["LlamaForSequenceClassification"]"#)
        == "config.json: \"architectures\" names LlamaForSequenceClassification, but the engine "
        + "runs only LlamaForCausalLM, Qwen2ForCausalLM, MistralForCausalLM.")
  }

  @Test func eosListsKeepEveryId() throws {
    let config = try parse(#""eos_token_id": [21, 3, 21], "bos_token_id": 1"#)
    #expect(config.eosTokenId == 21)
    #expect(config.eosTokenIds == [21, 3])
    #expect(config.bosTokenId == 1)
    let again = try ModelConfig(
      hfConfig: Array(config.hfConfig.serialized().utf8), path: "config.json")
    #expect(again == config)
  }

  @Test func savedBiasedModelsSayQwen2() throws {
    var config = try parse(#""model_type": "qwen2""#)
    config.maxPositions = 64
    #expect(config.hfConfig["model_type"] == .string("qwen2"))
    let again = try ModelConfig(
      hfConfig: Array(config.hfConfig.serialized().utf8), path: "config.json")
    #expect(again == config)
  }
}
