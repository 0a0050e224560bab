import Foundation
import Testing
import TreePOEngine

// Chat formatting against transformers' apply_chat_template (fixtures from
// scripts/golden/make_tokenizer_fixtures.py): SmolLM2's template as its GGUF ships it and
// Qwen2's, on conversations with and without a system message and a generation prompt.

@Suite struct TokenizerChatTemplateTests {
  @Test func rendersLikeTransformers() throws {
    let fixture = try TokenizerFixtures.json("chat.json")
    guard case .array(let cases)? = fixture["cases"] else {
      Issue.record("chat.json has no cases")
      return
    }
    #expect(cases.count >= 8)
    for c in cases {
      let name = try #require(c["template"]?.stringValue)
      let source = try #require(fixture["templates"]?[name]?.stringValue)
      let template = try ChatTemplate(recognizing: source, source: name)
      guard case .array(let list)? = c["messages"] else { continue }
      let messages = list.map {
        ChatMessage(role: $0["role"]?.stringValue ?? "", content: $0["content"]?.stringValue ?? "")
      }
      let generation = c["add_generation_prompt"]?.boolValue ?? false
      let expected = c["expected"]?.stringValue ?? ""
      let got = template.render(messages, addGenerationPrompt: generation)
      let what = "\(name), \(messages.count) messages, generation prompt \(generation)"
      #expect(
        got == expected,
        "\(what): \"\(visible(got))\" but transformers renders \"\(visible(expected))\"")
    }
  }

  @Test func readsTheDefaultSystemPromptOutOfTheTemplate() throws {
    let gguf = try TokenizerFixtures.json("smollm2-gguf.json")
    let source = try #require(gguf["chat_template"]?.stringValue)
    #expect(
      try ChatTemplate(recognizing: source, source: "m.gguf")
        == .chatML(
          defaultSystem: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"))
    // The same layout with Jinja's trim markers and other spacing still reads the same.
    let trimmed =
      "{%- for message in messages -%}\n  {{- '<|im_start|>' + message['role'] + '\\n' + "
      + "message['content'] + '<|im_end|>' + '\\n' -}}\n{%- endfor %}\n"
      + "{%- if add_generation_prompt %}{{- \"<|im_start|>assistant\\n\" }}{%- endif %}"
    #expect(try ChatTemplate(recognizing: trimmed, source: "t") == .chatML(defaultSystem: nil))
  }

  @Test func chatPromptEncodesMarkupAsSpecialTokens() throws {
    let t = try TokenizerFixtures.smollm2()
    let prompt = ChatTemplate.chatML(defaultSystem: "Be brief.").prompt(user: "What is 7 + 5?")
    let ids = try t.encode(prompt)
    let imStart = try #require(t.id(ofToken: "<|im_start|>"))
    let imEnd = try #require(t.id(ofToken: "<|im_end|>"))
    #expect(ids.filter { $0 == imStart }.count == 3 && ids.filter { $0 == imEnd }.count == 2)
    #expect(ids.first == imStart && t.decode(ids) == prompt)
  }

  @Test func unknownTemplateSuggestsRaw() {
    let llama3 =
      "{% set loop_messages = messages %}{% for message in loop_messages %}"
      + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
      + " + message['content'] | trim + '<|eot_id|>' %}{{ content }}{% endfor %}"
    #expect(throws: CheckpointError.self) { try ChatTemplate(recognizing: llama3, source: "x") }
    do {
      _ = try ChatTemplate(recognizing: llama3, source: "tokenizer_config.json")
    } catch {
      #expect(
        error.description
          == "tokenizer_config.json: the chat template is not one the engine recognises (it "
          + "knows the ChatML templates of SmolLM2 and Qwen2 and has no Jinja engine); pass "
          + "--raw to send the prompt as it is.")
    }
    // A ChatML look-alike whose "system prompt" is code is not taken for one.
    let sneaky = ChatTemplate.chatMLWithSystemForTesting.replacingOccurrences(
      of: "SYSTEM", with: "' + messages[0]['content'] + '")
    #expect(throws: CheckpointError.self) { try ChatTemplate(recognizing: sneaky, source: "x") }
  }
}
