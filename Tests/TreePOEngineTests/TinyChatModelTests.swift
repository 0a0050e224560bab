import Foundation
import Testing
import TreePOEngine

// The arith task and the tree sampler on BPE text, with the tiny random chat model that
// scripts/golden/make_tiny_chat_fixture.py wrote (byte-level BPE of 400 merges, ChatML template,
// 2 layers of width 32). Segments are decoded in pieces, so the pieces must join to the reply the
// verifier reads, even where a token boundary cuts a character.

enum TinyChat {
  static func url() throws -> URL {
    let root = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
    return root.appendingPathComponent("Fixtures/tiny-chat-llama")
  }

  static func load() throws -> (model: Model, tokenizer: any Tokenizer, template: ChatTemplate) {
    let (model, tokenizer, text) = try ModelFolder.loadAny(try url())
    let template = try ChatTemplate(recognizing: try #require(text), source: "fixture")
    return (model, tokenizer, template)
  }

  /// A tree sampler over the model's own decoder, stopping at the tokenizer's end of turn.
  static func sampler(
    _ model: Model, _ tokenizer: any Tokenizer, task: any ReasoningTask, prompts: [String],
    config: RolloutConfig, maxLength: Int
  ) throws -> TreeSampler {
    let decoder = ModelSegmentDecoder(
      model: model, config: config, prompts: prompts.count, stopTokens: Set(tokenizer.stopIds),
      maxLength: maxLength)
    return try TreeSampler(
      decoder: decoder, task: task, tokenizer: tokenizer, prompts: prompts, config: config)
  }
}

@Suite struct TinyChatModelTests {
  @Test func fixtureIsAByteLevelChatModel() throws {
    let (model, tokenizer, template) = try TinyChat.load()
    #expect(tokenizer is BPETokenizer)
    #expect(template == .chatML(defaultSystem: "You are a tiny test model."))
    #expect(model.config.vocabSize == tokenizer.vocabSize)
    let end = try #require((tokenizer as? BPETokenizer)?.id(ofToken: "<|im_end|>"))
    #expect(tokenizer.stopIds.contains(end))
    // Every arith prompt, wrapped in the template, encodes and decodes back unchanged.
    for level in ArithTask.levels {
      for i in 0..<10 {
        let prompt = template.prompt(
          user: ArithTask().problem(split: .train, index: i, size: level).prompt)
        #expect(tokenizer.decode(try tokenizer.encode(prompt)) == prompt)
      }
    }
  }

  /// Random ids (byte tokens ≥ 0x80 included, so characters are cut and invalid bytes occur) cut
  /// into random segments: the segment texts joined are the whole decode.
  @Test func segmentTextsJoinToTheDecodeOfTheWhole() throws {
    let (_, tokenizer, _) = try TinyChat.load()
    var rng = SeededRandom(seed: 5)
    // Tokens of UTF-8 pieces: "é" = C3 A9, "€" = E2 82 AC, "🌳" = F0 9F 8C B3, as single bytes.
    let bytes = ["Ã", "©", "â", "Ĥ", "¬", "ð", "Ł", "Į", "³"].compactMap {
      (tokenizer as? BPETokenizer)?.id(ofToken: $0)
    }
    #expect(bytes.count == 9)
    for trial in 0..<200 {
      let count = 1 + Int(rng.next() % 24)
      let ids = (0..<count).map { _ in
        rng.next() % 2 == 0
          ? bytes[Int(rng.next() % UInt64(bytes.count))] : Int(rng.next() % 600) + 3
      }
      var cuts = [0]
      while cuts.last! < count { cuts.append(min(count, cuts.last! + 1 + Int(rng.next() % 5))) }
      var joined = ""
      for k in 1..<cuts.count {
        let segment = Array(ids[cuts[k - 1]..<cuts[k]])
        let before = Array(ids[..<cuts[k - 1]].suffix(Int(rng.next() % 3) + 3))
        joined += tokenizer.segmentText(segment, after: before, final: k == cuts.count - 1)
      }
      #expect(joined == tokenizer.decode(ids), "trial \(trial): ids \(ids), cuts \(cuts)")
    }
  }

  /// Hand-written replies as the model would write them (tokens, cut into segments of 3): the
  /// joined segments verify as the whole reply does.
  @Test func arithVerifierReadsRepliesDecodedInSegments() throws {
    let (_, tokenizer, template) = try TinyChat.load()
    let task = ArithTask()
    let prompt = template.prompt(user: "What is 7 times 8?")
    let cases: [(String, Float, FailureReason?)] = [
      ("7 × 8 = 56. The answer is 56.<|im_end|>", 1, nil),
      ("Seven eights are 56.\nAnswer: 56<|im_end|>", 1, nil),
      ("It is 54.<|im_end|>", 0, .wrongNumber),
      ("I don't know.<|im_end|>", 0, .noNumber),
      ("The answer is 56", 0, .truncated),
    ]
    for (reply, reward, failure) in cases {
      let ids = try tokenizer.encode(reply)
      var joined = ""
      for start in stride(from: 0, to: ids.count, by: 3) {
        let end = min(ids.count, start + 3)
        joined += tokenizer.segmentText(
          Array(ids[start..<end]), after: Array(ids[..<start]), final: end == ids.count)
      }
      #expect(joined == reply)
      let verdict = task.verify(prompt: prompt, completion: joined)
      #expect(verdict.reward == reward && verdict.failure == failure, "\(reply): \(verdict)")
    }
  }

  /// A TreePO rollout of the tiny model on arith: every trajectory's segment texts (from the
  /// events) join to its decoded response, each segment carries one text per token, and a
  /// finished leaf's reward is the verifier's on that text.
  @Test func treeRolloutSegmentsJoinToEachTrajectorysReply() throws {
    let (model, tokenizer, template) = try TinyChat.load()
    let task = PromptFormattedTask(ArithTask()) { template.prompt(user: $0.prompt) }
    var config = RolloutConfig()
    config.n = 8
    config.segmentLength = 5
    config.maxDepth = 6
    config.maxResponseTokens = 30
    config.seed = 3
    let prompts = (0..<3).map { task.problem(split: .train, index: $0, size: 2).prompt }
    let sampler = try TinyChat.sampler(
      model, tokenizer, task: task, prompts: prompts, config: config, maxLength: 96)
    var texts: [Int: String] = [:]
    var segments = 0
    let trajectories = try sampler.run { events in
      for case .segmentDecoded(let e) in events {
        #expect(e.tokenTexts?.count == e.tokenIds.count)
        texts[e.node, default: ""] += e.text
        segments += 1
      }
    }
    #expect(trajectories.count == 3 * 8 && segments > 20)
    for t in trajectories {
      let reply = t.nodes.map { texts[$0] ?? "" }.joined()
      #expect(reply == tokenizer.decode(t.responseTokens), "prompt \(t.prompt) nodes \(t.nodes)")
      if t.outcome == .finished {
        #expect(t.reward == task.verify(prompt: prompts[t.prompt], completion: reply).reward)
      }
    }
  }

  /// `tree_segment_boundary=step` on a chat model: arith's steps (lines and sentences) survive the
  /// chat template's wrapper, and every segment that ends before its cap ends on such a token.
  @Test func arithSegmentsEndAtALineOrSentenceThroughTheTemplate() throws {
    let (model, tokenizer, template) = try TinyChat.load()
    let task = PromptFormattedTask(ArithTask()) { template.prompt(user: $0.prompt) }
    #expect(task.stepBoundary == .lineOrSentence)
    let boundary = task.stepBoundary.tokens(of: tokenizer)
    #expect(boundary.count > 3, "\(boundary.count) step-ending tokens")
    for id in boundary {
      let text = String(decoding: tokenizer.tokenBytes(id), as: UTF8.self)
      #expect(
        [".", "!", "?", "\n"].contains { text.hasSuffix($0) },
        "token \(id) \(text.debugDescription)")
    }
    var config = RolloutConfig()
    config.n = 6
    config.segmentLength = 8
    config.maxDepth = 8
    // depth × segment = the response limit, so the limit never falls inside a segment.
    config.maxResponseTokens = 64
    config.segmentBoundary = .step
    config.seed = 4
    let prompts = (0..<2).map { task.problem(split: .train, index: $0, size: 2).prompt }
    let sampler = try TinyChat.sampler(
      model, tokenizer, task: task, prompts: prompts, config: config, maxLength: 128)
    var shortOnes = 0
    var cutAtBoundary = 0
    _ = try sampler.run { events in
      for case .segmentDecoded(let e) in events where e.tokenIds.count < config.segmentLength {
        shortOnes += 1
        let last = e.tokenIds.last ?? -1
        if boundary.contains(last) { cutAtBoundary += 1 }
        // A short segment ends at a step or at the end of the model's turn.
        #expect(
          boundary.contains(last) || tokenizer.stopIds.contains(last),
          "node \(e.node): a \(e.tokenIds.count)-token segment ends with token \(last)")
      }
    }
    #expect(cutAtBoundary > 0, "\(shortOnes) short segments, none ended at a step")
  }
}
