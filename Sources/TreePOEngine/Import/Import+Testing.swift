// String views of the import's span-based samples and trees, so tests (and tools) can read a
// step file's samples and build one group's tree with the importer's own parser, grouping and
// builders, and compare them with plain Strings.

public struct ImportedNode: Sendable, Equatable {
  public var id: Int
  public var parent: Int?
  public var depth: Int
  public var reason: SpawnReason
  public var tokenIds: [Int]
  public var text: String
  /// The sample (index in the group) whose response ends here; nil for inner nodes and the root.
  public var sample: Int?
}

public struct ImportedTree: Sendable, Equatable {
  /// `nodes[i].id == i`; node 0 is the root (the prompt); parents come before their children.
  public var nodes: [ImportedNode]
  /// How the shape was found: "tree_idx", "prefix-tokens" or "prefix-text".
  public var method: String

  init(_ tree: BuiltTree, _ buffer: StepBuffer) {
    method = tree.method
    nodes = tree.nodes.enumerated().map { id, n in
      ImportedNode(
        id: id, parent: n.parent < 0 ? nil : n.parent, depth: n.depth, reason: n.reason,
        tokenIds: Array(buffer.ints[n.tokens.start..<n.tokens.end]),
        text: String(decoding: buffer.bytes(n.text), as: UTF8.self), sample: n.sample)
    }
  }

  /// The group's tree, built by the importer's builders.
  public static func build(_ group: [RolloutSample]) -> ImportedTree {
    let (buffer, samples) = StepBuffer.holding(group)
    return ImportedTree(BuiltTree(samples, in: buffer), buffer)
  }
}

extension RolloutSample {
  /// Groups in order of first appearance, as the importer groups them.
  static func grouped(_ samples: [RolloutSample]) -> [[RolloutSample]] {
    let (buffer, spans) = StepBuffer.holding(samples)
    return StepGroups.of(spans, buffer).map { $0.map { samples[$0] } }
  }

  init(_ s: Sample, _ buffer: StepBuffer) {
    let ints = buffer.ints
    func list(_ span: Span) -> [Int] { Array(ints[span.start..<span.end]) }
    self.init(
      step: s.step, group: buffer.string(s.group), prompt: buffer.string(s.prompt),
      promptIds: list(s.promptIds), response: buffer.string(s.response),
      responseIds: s.responseIds.map(list), score: s.score, advantage: s.advantage,
      treeIndex: s.path.map { p in
        TreeIndexPath(
          root: ints[p.start],
          segments: stride(from: p.start + 1, to: p.end, by: 2).map {
            TreeIndexPath.Segment(round: ints[$0], position: ints[$0 + 1])
          })
      }, tokenCounts: s.tokenCounts.map(list), line: s.line)
  }
}

extension StepBuffer {
  /// A buffer holding String samples' texts and lists, and the samples as spans of it.
  static func holding(_ samples: [RolloutSample]) -> (StepBuffer, [Sample]) {
    let buffer = StepBuffer()
    func list(_ values: [Int]) -> Span {
      buffer.ints.append(contentsOf: values)
      return Span(start: buffer.ints.count - values.count, count: values.count)
    }
    let spans = samples.map { r in
      var s = Sample(
        step: r.step, line: r.line, group: buffer.append(r.group), prompt: buffer.append(r.prompt),
        response: buffer.append(r.response))
      s.promptIds = list(r.promptIds)
      s.responseIds = r.responseIds.map(list)
      s.score = r.score
      s.advantage = r.advantage
      s.path = r.treeIndex.map { p in
        list([p.root] + p.segments.flatMap { [$0.round, $0.position] })
      }
      s.tokenCounts = r.tokenCounts.map(list)
      return s
    }
    return (buffer, spans)
  }
}

extension RolloutImporter {
  /// Reads one JSONL file's samples as the import does, skipping bad lines (one sentence each,
  /// counted in the report).
  public func readSamples(
    path: String, format: SampleLineFormat, step: Int
  ) throws -> [RolloutSample] {
    let buffer = StepBuffer()
    let file = try ParsedFile(path: path, format: format, step: step, into: buffer)
    return absorb(file).map { RolloutSample($0, buffer) }
  }
}
