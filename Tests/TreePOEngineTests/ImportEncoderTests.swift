import Foundation
import Testing

@testable import TreePOEngine

// The import writes its trace lines from byte spans (ImportEncoder); the explorer reads them as
// TreeEvents. For every import fixture and for seeded random groups (tree_idx paths with fallbacks
// and ragged counts, texts with escapes, newlines, quotes and non-ASCII, with and without token
// ids and advantages), the bytes must equal TreeEvent's encoding of the same groups and trees
// (ImportEventsOracle), and the samples read back must be the samples written.

@Suite struct ImportEncoderTests {
  /// One step file through the importer: its encoded lines, and the oracle's lines for the same
  /// groups and trees.
  func encodings(
    _ path: String, format: SampleLineFormat, step: Int
  ) throws -> [(step: Int, bytes: String, oracle: String, samples: [RolloutSample])] {
    let buffer = StepBuffer()
    let file = try ParsedFile(path: path, format: format, step: step, into: buffer)
    var out: [(Int, String, String, [RolloutSample])] = []
    for s in Set(file.samples.map(\.step)).sorted() {
      let samples = file.samples.filter { $0.step == s }
      let source = format == .verl ? "verl" : "jsonl"
      let prepared = PreparedStep(step: s, samples: samples, buffer: buffer, source: source)
      let groups = StepGroups.of(samples, buffer).map { $0.map { samples[$0] } }
      let trees = groups.map { ImportedTree(BuiltTree($0, in: buffer), buffer) }
      let events = ImportEventsOracle.step(
        s, groups: groups.map { $0.map { RolloutSample($0, buffer) } }, trees: trees,
        source: source)
      out.append(
        (
          s, String(decoding: prepared.lines.bytes, as: UTF8.self),
          String(decoding: events.flatMap { $0.jsonLine() }, as: UTF8.self),
          samples.map { RolloutSample($0, buffer) }
        ))
    }
    return out
  }

  /// The first line that differs, for a readable failure.
  func firstDifference(_ a: String, _ b: String) -> String {
    let x = a.split(separator: "\n", omittingEmptySubsequences: false)
    let y = b.split(separator: "\n", omittingEmptySubsequences: false)
    for k in 0..<max(x.count, y.count) where k >= x.count || k >= y.count || x[k] != y[k] {
      return "line \(k + 1):\n  bytes:  \(k < x.count ? String(x[k]) : "-")\n"
        + "  oracle: \(k < y.count ? String(y[k]) : "-")"
    }
    return "same"
  }

  @Test func everyFixtureStepEncodesAsTreeEventsDo() throws {
    var steps = 0
    for (file, format, step) in [
      ("verl-tree/1.jsonl", SampleLineFormat.verl, 1), ("verl-tree/2.jsonl", .verl, 2),
      ("verl-tree/4.jsonl", .verl, 4), ("verl-tree/5.jsonl.gz", .verl, 5),
      ("flat.jsonl", .flat, 0),
    ] {
      for e in try encodings(try importFixture(file), format: format, step: step) {
        #expect(
          e.bytes == e.oracle, "\(file) step \(e.step): \(firstDifference(e.bytes, e.oracle))")
        steps += 1
      }
    }
    #expect(steps == 5, "steps 1, 2, 5 and the flat file's 0 and 1")
  }

  @Test func seededRandomGroupsEncodeAsTreeEventsDoAndReadBack() throws {
    var rng = SeededRandom(seed: 11)
    let path = NSTemporaryDirectory() + "treepo-encoder-\(UUID().uuidString).jsonl"
    defer { try? FileManager.default.removeItem(atPath: path) }
    for round in 0..<40 {
      let written = RandomGroups.samples(&rng, step: round)
      try Data(written.flatMap { RandomGroups.line($0, &rng) }).write(
        to: URL(fileURLWithPath: path))
      let steps = try encodings(path, format: .verl, step: round)
      #expect(steps.count == 1)
      for e in steps {
        #expect(e.bytes == e.oracle, "round \(round): \(firstDifference(e.bytes, e.oracle))")
        #expect(e.samples == written, "round \(round): the samples read back as written")
      }
    }
  }

  @Test func aSegmentThatCutsACharacterIsRepairedAsStringsRepairIt() {
    // The builders end segments between characters; were one ever not to, the encoder writes
    // what `String(decoding:)` makes of it (U+FFFD), as the String-based import did.
    let (buffer, samples) = StepBuffer.holding([
      RolloutSample(step: 1, group: "g", prompt: "p", response: "aé€b", score: 1)
    ])
    let r = samples[0].response
    for (from, to) in [(0, 2), (2, 3), (1, 5), (3, 6), (0, 7)] {
      let tree = BuiltTree(
        nodes: [
          TreeNode(parent: -1, depth: 0, reason: .root, text: .empty, tokens: .empty, sample: nil),
          TreeNode(
            parent: 0, depth: 1, reason: .initial,
            text: Span(start: r.start + from, count: to - from), tokens: .empty, sample: 0),
        ], method: "prefix-text")
      let lines = EncodedLines()
      ImportEncoder.step(
        1, groups: [samples], trees: [tree], buffer: buffer, source: "t", into: lines)
      let events = ImportEventsOracle.step(
        1, groups: [samples.map { RolloutSample($0, buffer) }],
        trees: [ImportedTree(tree, buffer)], source: "t")
      let bytes = String(decoding: lines.bytes, as: UTF8.self)
      let oracle = String(decoding: events.flatMap { $0.jsonLine() }, as: UTF8.self)
      #expect(bytes == oracle, "\(from)..<\(to): \(firstDifference(bytes, oracle))")
    }
  }
}

/// Seeded random verl steps: TreePO groups (paths that share prefixes, fallbacks with ragged
/// counts) and flat groups, texts that need every kind of escape.
enum RandomGroups {
  static let pieces = ["a", "b", " ", "x=1", "\"", "\\", "\n", "\t", "\u{01}", "é", "€", "😀", "/"]

  static func text(_ rng: inout SeededRandom, _ n: Int) -> String {
    (0..<n).map { _ in pieces[rng.nextInt(pieces.count)] }.joined()
  }

  static func samples(_ rng: inout SeededRandom, step: Int) -> [RolloutSample] {
    var out: [RolloutSample] = []
    for g in 0..<(1 + rng.nextInt(4)) {
      let tree = rng.nextInt(2) == 0
      let ids = rng.nextInt(3) == 0
      let prompt = "Q\(g) " + text(&rng, rng.nextInt(6))
      // A trie of segments: node k's text, its segment (round, position) and its parent.
      var segments: [(text: String, round: Int, position: Int, parent: Int)] = []
      // Sometimes wide: many first-round segments (TreeIndexTree looks children up by hash then).
      let wide = rng.nextInt(4) == 0
      for k in 0..<(wide ? 12 + rng.nextInt(8) : 2 + rng.nextInt(6)) {
        let parent = k == 0 || (wide && rng.nextInt(3) > 0) ? -1 : rng.nextInt(k + 1) - 1
        let round = parent < 0 ? 1 : segments[parent].round + 1 + rng.nextInt(2)
        segments.append((text(&rng, rng.nextInt(5)), round, k, parent))
      }
      for i in 0..<(1 + rng.nextInt(wide ? 24 : 6)) {
        var path: [Int] = []
        var at = rng.nextInt(segments.count)
        while at >= 0 {
          path.insert(at, at: 0)
          at = segments[at].parent
        }
        let response = tree ? path.map { segments[$0].text }.joined() : text(&rng, rng.nextInt(9))
        var s = RolloutSample(
          step: step, group: "u\(step)x\(g)", prompt: prompt, response: response,
          score: [0, 1, 0.5, nil][rng.nextInt(4)], line: out.count + 1)
        if tree {
          s.treeIndex = TreeIndexPath(
            root: 0,
            segments: path.map { .init(round: segments[$0].round, position: segments[$0].position) }
          )
          var counts = path.map { segments[$0].text.unicodeScalars.count }
          // A fallback's ragged counts: the old path's counts stay in front.
          if rng.nextInt(4) == 0 { counts.insert(contentsOf: [rng.nextInt(4), 2], at: 0) }
          s.tokenCounts = counts
        }
        if ids { s.responseIds = s.response.unicodeScalars.map { Int($0.value) } }
        if rng.nextInt(3) == 0 { s.promptIds = [1, i, 3] }
        s.advantage = [nil, 0.5, -1.25][rng.nextInt(3)]
        out.append(s)
      }
    }
    return out
  }

  /// The sample as verl writes a line, with some characters escaped the other legal ways.
  static func line(_ s: RolloutSample, _ rng: inout SeededRandom) -> [UInt8] {
    var w = JSONWriter(style: .spaced)
    w.beginObject()
    w.field("input", s.prompt)
    w.field("output", s.response)
    w.field("gts", "42")
    if let score = s.score { w.field("score", Double(score)) }
    w.field("step", s.step)
    w.field("uid", "\(s.group)_0_\(s.line)")
    if let path = s.treeIndex { w.field("tree_idx", path.description) }
    if let counts = s.tokenCounts { w.field("token_count_per_step", counts) }
    if let ids = s.responseIds { w.field("response_ids", ids) }
    if !s.promptIds.isEmpty { w.field("prompt_ids", s.promptIds) }
    if let a = s.advantage {
      if rng.nextInt(2) == 0 { w.field("advantage", a) } else { w.field("advantages", [a, a]) }
    }
    w.endObject()
    var text = String(decoding: w.bytes, as: UTF8.self)
    if rng.nextInt(2) == 0 { text = text.replacingOccurrences(of: "é", with: "\\u00e9") }
    if rng.nextInt(2) == 0 { text = text.replacingOccurrences(of: "😀", with: "\\ud83d\\ude00") }
    if rng.nextInt(2) == 0 { text = text.replacingOccurrences(of: "/", with: "\\/") }
    return Array(text.utf8) + [0x0A]
  }
}
