import Testing
import TreePOExplorer
import TreePOTrace

// A chat model's rollout (byte-level BPE): the chat markup of the prompt dimmed and the question
// shown on one-line views, newlines as ⏎, one table row per token with its own text, p and H (a
// character cut between two tokens shows its bytes as \xNN there, whole in the segment's text),
// and the model with its size in the status bar.

enum TextScene {
  static let prompt =
    "<|im_start|>system\nYou are a tiny test model.<|im_end|>\n<|im_start|>user\n"
    + "What is 7 times 8?<|im_end|>\n<|im_start|>assistant\n"

  static func segment(_ node: Int, _ tokens: [String], text: String? = nil, hot: Set<Int> = [])
    -> TreeEvent
  {
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: node, tokenIds: tokens.indices.map { 100 + $0 },
        text: text ?? tokens.joined(),
        logprobs: tokens.indices.map { hot.contains($0) ? -1.2 : -0.05 },
        entropies: tokens.indices.map { hot.contains($0) ? 1.4 : 0.1 }, tokenTexts: tokens))
  }

  static var events: [TreeEvent] {
    [
      .rolloutStarted(
        RolloutStarted(
          rollout: 0, sampler: "tree",
          prompts: [PromptInfo(index: 0, text: prompt, tokenIds: Array(0..<37))],
          config: ["rollout.n": "16"])),
      Scenes.spawn(0, nil, depth: 0, .root), Scenes.spawn(1, 0, depth: 1, .initial),
      Scenes.spawn(2, 0, depth: 1, .initial),
      segment(1, ["7", " ×", " 8", " =", " ", "5", "6", ".\n", "The"], hot: [5, 6]),
      // "€" cut between two tokens: its bytes in the table, the character in the text.
      segment(
        2, ["Seven", " eights", " cost", " 5", "6", " \\xE2\\x82", "\\xAC"],
        text: "Seven eights cost 56 €", hot: [0]),
      Scenes.spawn(3, 1, depth: 2, .divergence), Scenes.spawn(4, 1, depth: 2, .divergence),
      Scenes.round(1, decoded: 53, flat: 53, active: 3),
    ]
  }

  static func driver(_ size: Size = Size(width: 100, height: 30)) -> ExplorerDriver {
    var d = ExplorerDriver(size: size)
    d.explorer.modelLabel = "tiny-chat-llama · 39.7K"
    d.feed(events)
    d.explorer.setEngineStatus(busy: true, running: false, error: nil)
    d.explorer.setEngineProgress("round 2 · 7/16 tok")
    return d
  }
}

@Test func chatMarkupSplitsTemplateFromWords() {
  let runs = ChatMarkup.runs(TextScene.prompt)
  #expect(runs.map(\.text).joined() == TextScene.prompt)
  #expect(
    runs == [
      .init(text: "<|im_start|>system\n", markup: true),
      .init(text: "You are a tiny test model.", markup: false),
      .init(text: "<|im_end|>\n<|im_start|>user\n", markup: true),
      .init(text: "What is 7 times 8?", markup: false),
      .init(text: "<|im_end|>\n<|im_start|>assistant\n", markup: true),
    ])
  #expect(ChatMarkup.question(TextScene.prompt) == "What is 7 times 8?")
  // Task prompts have no markup: one plain run, shown as they are.
  #expect(ChatMarkup.runs("6 6 9 0 7>8:") == [.init(text: "6 6 9 0 7>8:", markup: false)])
  #expect(ChatMarkup.headline("6 6 9 0 7>8:") == "6 6 9 0 7>8:")
  // `<|` without a closing `|>` nearby, or with spaces inside, is text.
  #expect(ChatMarkup.runs("a <| b |> c").allSatisfy { !$0.markup })
}

@Test func textSegmentsShowWordsNewlinesAndTokens() throws {
  // Tall enough for every token of a segment in the table.
  var d = TextScene.driver(Size(width: 100, height: 48))
  // The root row and the batch list show the question, not the template.
  #expect(d.line(containing: "◆ What is 7 times 8?") != nil)
  #expect(d.line(containing: "▶0 What is 7 times 8?") != nil)
  #expect(!d.screen.contains("◆ <|im_start|>"))
  // The segment's newline is ⏎; the cut character is whole in the text.
  #expect(d.line(containing: "├─• 7 × 8 = 56.⏎The") != nil)
  #expect(d.line(containing: "└─● Seven eights cost 56 €") != nil)
  // The status bar: progress of the round under way, then the model and its size.
  let status = try #require(d.lines.last)
  #expect(status.contains("busy · round 2 · 7/16 tok"))
  #expect(status.contains("tiny-chat-llama · 39.7K │ ? help"))
  d.type("j")
  #expect(d.line(containing: "'.⏎'") != nil)
  let row = try #require(d.line(containing: "' ×'"))
  #expect(row.contains("' ×'   0.95  0.10"), "\(row)")
  d.type("G")
  #expect(d.line(containing: "' \\xE2\\x82'  0.95  0.10") != nil, "\(d.screen)")
  // The Path pane: the template dim, the question in the prompt colour, ⏎ for its newlines.
  #expect(d.line(containing: "<|im_start|>system⏎You are a tiny test model.<|im_end|>⏎") != nil)
}

@Test func snapshotTextModelRollout() {
  var d = TextScene.driver()
  d.type("j")
  assertSnapshot(d.grid, named: "text-model")
}
