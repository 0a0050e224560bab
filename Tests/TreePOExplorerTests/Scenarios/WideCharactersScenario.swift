import Testing
import TreePOExplorer
import TreePOTrace

// Text from a BPE model can hold CJK or emoji: two columns each, never split at a pane edge, and
// control characters never reach the terminal.

@Test func wideCharactersTakeTwoColumns() {
  #expect(displayWidth("漢") == 2)
  #expect(displayWidth("🙂") == 2)
  #expect(displayWidth("a") == 1)
  #expect(displayWidth("é") == 1)
  #expect(displayWidth("✓✗✂↺") == 4)
  #expect(displayWidth("漢字ab") == 6)
  #expect(printable("a\nb\u{07}") == "a⏎b·")
  #expect(truncated("漢字漢字", to: 5) == "漢字…")

  var d = ExplorerDriver()
  d.feed([
    Scenes.started(), Scenes.spawn(0, nil, depth: 0, .root), Scenes.spawn(1, 0, depth: 1, .initial),
  ])
  // Not one token per character, so the Path pane colours the segment as a whole.
  d.feed([
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: 1, tokenIds: [1, 2], text: "漢字\n🙂", logprobs: [-0.1, -0.2],
        entropies: [0.1, 0.2]))
  ])
  d.type("j")
  let row = d.line(containing: "漢字⏎🙂")
  #expect(row != nil)
  // Every row still spans exactly 100 columns.
  for line in d.lines { #expect(displayWidth(line) == 100, "\(line)") }
}
