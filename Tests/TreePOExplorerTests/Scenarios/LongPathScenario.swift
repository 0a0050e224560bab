import Testing
import TreePOTrace

@testable import TreePOExplorer

// Long responses (thousands of tokens): the Path pane lays out only what it shows, and must draw
// exactly what the straightforward layout of the whole path draws (PathOracle), at the end, at the
// start and after paging either way; wide characters wrap whole; the end of a 16k-token path is on
// screen; paging down from the start shows every cell once.

/// A chat prompt and three segments of every kind: per-character tokens (with CJK, combining marks,
/// newlines and tabs), BPE token texts, and a text that does not split into its tokens.
private func longPathEvents(repeats: Int) -> [TreeEvent] {
  let prompt = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nCount 漢字.<|im_end|>\n"
  var chars = ""
  for i in 0..<repeats { chars += i % 7 == 0 ? "漢字e\u{301}\n" : i % 5 == 0 ? "a\tb🙂 " : "word " }
  let n = chars.count
  let bpe = (0..<repeats).map { i in i % 3 == 0 ? "漢" : i % 3 == 1 ? " tok" : "\n" }
  let whole = String(repeating: "mismatch 字 ", count: repeats / 4 + 1)
  func numbers(_ k: Int) -> [Float] { (0..<k).map { Float(($0 * 37) % 11) / 10 } }
  return [
    .rolloutStarted(
      RolloutStarted(
        rollout: 0, sampler: "tree",
        prompts: [PromptInfo(index: 0, text: prompt, tokenIds: Array(0..<20))], config: [:])),
    Scenes.spawn(0, nil, depth: 0, .root), Scenes.spawn(1, 0, depth: 1, .initial),
    Scenes.spawn(2, 1, depth: 2, .divergence), Scenes.spawn(3, 2, depth: 3, .divergence),
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: 1, tokenIds: Array(0..<n), text: chars, logprobs: numbers(n).map { -$0 },
        entropies: numbers(n))),
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: 2, tokenIds: Array(0..<bpe.count), text: bpe.joined(),
        logprobs: numbers(bpe.count).map { -$0 }, entropies: numbers(bpe.count), tokenTexts: bpe)),
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: 3, tokenIds: [1, 2, 3], text: whole, logprobs: [-0.1, -2, -0.3],
        entropies: [0.1, 0.9, 0.2])),
  ]
}

private func expectSameAsOracle(
  _ d: ExplorerDriver, _ oracle: PathOracle, _ what: String,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let drawn = d.pathRows
  let expected = oracle.rows()
  for y in 0..<min(drawn.count, expected.count) {
    if let x = (0..<drawn[y].count).first(where: { drawn[y][$0] != expected[y][$0] }) {
      let message =
        "\(what): Path row \(y) differs from the full layout at column \(x): drew "
        + "\(drawn[y][x]), full layout \(expected[y][x]); top cell \(d.explorer.pathTopCell()), "
        + "full layout's \(oracle.shownTop) of \(oracle.cells.count)\n\(d.pathLines)"
      Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
      return
    }
  }
  #expect(drawn.count == expected.count, sourceLocation: sourceLocation)
}

@Test(arguments: [Size(width: 80, height: 24), Size(width: 121, height: 40)])
func longPathDrawsWhatTheFullLayoutDraws(size: Size) {
  var d = ExplorerDriver(size: size)
  d.feed(longPathEvents(repeats: 600))
  for (node, keys) in [(3, "jjj"), (2, "k"), (1, "k")] {
    d.type(keys)
    #expect(d.explorer.selectedNode == node)
    var oracle = PathOracle(d.explorer)
    #expect(oracle.cells.count > 6 * oracle.width * oracle.height)
    expectSameAsOracle(d, oracle, "node \(node), end")
    for key in "uuuduUdddduDdUuDc" {
      if key == "c" {
        d.type("c")
        oracle = PathOracle(d.explorer)
      } else {
        d.type(String(key))
        oracle.press(key)
      }
      expectSameAsOracle(d, oracle, "node \(node), after \(key)")
    }
  }
}

@Test func pathWrapsAtSegmentBoundariesAndWideCharactersWrapWhole() {
  // 80 columns: the Path pane's inner width is 78. The prompt takes 77 columns, so the segment's
  // "┊" is the row's last cell; "漢" would start at column 77 of the second row, so it wraps whole.
  var d = ExplorerDriver(size: Size(width: 80, height: 24))
  let prompt = String(repeating: "p", count: 77)
  let segment = String(repeating: "s", count: 77) + "漢z"
  d.feed([
    .rolloutStarted(
      RolloutStarted(
        rollout: 0, sampler: "tree", prompts: [PromptInfo(index: 0, text: prompt, tokenIds: [1])],
        config: [:])),
    Scenes.spawn(0, nil, depth: 0, .root), Scenes.spawn(1, 0, depth: 1, .initial),
    Scenes.decode(1, segment),
  ])
  d.type("j")
  // 77 + 1 + 77 + 2 + 1 = 158 columns > 2 × 78: the view of the end starts with "…".
  let oracle = PathOracle(d.explorer)
  expectSameAsOracle(d, oracle, "end")
  #expect(d.pathLines[1].hasSuffix("s漢z"))
  d.type("U")
  #expect(d.pathLines[0] == prompt + "┊")
  // The wide character does not fit in the last column: "…" (more follows) takes it.
  #expect(d.pathLines[1] == String(repeating: "s", count: 77) + "…")
  d.type("d")
  #expect(d.pathLines[1].hasSuffix("s漢z"))
}

@Test func endOfA16kTokenPathIsOnScreenAndPagesShowEveryCellOnce() {
  var d = ExplorerDriver(size: Size(width: 100, height: 30))
  var text = ""
  let letters = Array("abcdefg ")
  for i in 0..<16_000 { text.append(i % 97 == 0 ? "漢" : i % 13 == 0 ? "\n" : letters[i % 8]) }
  text += "THE END"
  d.feed([Scenes.started(), Scenes.spawn(0, nil, depth: 0, .root)])
  d.feed([Scenes.spawn(1, 0, depth: 1, .initial), Scenes.decode(1, text)])
  d.type("j")
  #expect(d.pathLines.last?.hasSuffix("THE END") == true, "\(d.pathLines)")
  d.type("U")
  #expect(d.pathLines[0].hasPrefix(Scenes.prompt0 + "┊漢bcdefg"))
  // Page down to the end: the cells between the "…" marks, joined, are the path (the view of the
  // end, which the last page gives way to, may show again a few cells of the page before).
  func shown() -> String {
    let cells = d.pathRows.flatMap { $0 }.filter { !$0.continuation && $0.character != " " }
    var shown = cells.map(\.character)
    if d.explorer.state.pathScroll?.byte != 0 || d.explorer.state.pathScroll?.part != 0 {
      if shown.first == "…" { shown.removeFirst() }
    }
    if d.explorer.state.pathScroll != nil, shown.last == "…" { shown.removeLast() }
    return String(shown)
  }
  var seen = ""
  var pages = 0
  while d.explorer.state.pathScroll != nil, pages < 2000 {
    seen += shown()
    pages += 1
    d.type("d")
  }
  let end = shown()
  let expected = (Scenes.prompt0 + "┊" + printable(text)).filter { $0 != " " }
  #expect(expected.hasPrefix(seen))
  #expect(expected.hasSuffix(end))
  #expect(seen.count + end.count >= expected.count, "no cell skipped between the last pages")
  #expect(pages > 50)
  #expect(d.pathLines.last?.hasSuffix("THE END") == true)
}

@Test func tokenTableOfALongSegmentShowsItsFirstTokens() {
  var d = ExplorerDriver(size: Size(width: 100, height: 30))
  let tokens = (0..<16_000).map { "t\($0) " }
  d.feed([Scenes.started(), Scenes.spawn(0, nil, depth: 0, .root)])
  d.feed([
    Scenes.spawn(1, 0, depth: 1, .initial),
    .segmentDecoded(
      SegmentDecoded(
        prompt: 0, node: 1, tokenIds: Array(0..<16_000), text: tokens.joined(),
        logprobs: Array(repeating: -0.5, count: 16_000),
        entropies: Array(repeating: 0.3, count: 16_000), tokenTexts: tokens)),
  ])
  d.type("j")
  #expect(d.line(containing: "16000 tok") != nil)
  #expect(d.line(containing: "'t0 '") != nil)
  #expect(d.line(containing: "'t1 '") != nil)
  // The Tree pane's row shows the segment's start.
  #expect(d.line(containing: "t0 t1 t2 t3") != nil)
}

@Test func treeRowOfA64KBSegmentShowsItsStartAtTheRightWidth() {
  var d = ExplorerDriver(size: Size(width: 100, height: 30))
  let text = "漢字e\u{301}\n\t" + String(repeating: "word ", count: 13_000)
  d.feed([Scenes.started(), Scenes.spawn(0, nil, depth: 0, .root)])
  d.feed([Scenes.spawn(1, 0, depth: 1, .initial), Scenes.decode(1, text)])
  d.type("j")
  // Wide characters take two columns, the combining accent stays on its letter, the newline and
  // the tab are marks; the row is cut with "…" before its annotations.
  let row = d.line(containing: "漢字e\u{301}⏎⇥word word")
  #expect(row?.contains("…") == true, "\(d.lines)")
  for line in d.lines { #expect(displayWidth(line) == 100, "\(line)") }
}
