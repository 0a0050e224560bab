// The tree of one prompt's group, as the trace will show it. Two builders make its shape
// (TreeIndexTree from TreePO's paths, PrefixTree from flat responses); this file turns a shape into
// nodes with tokens and text, under one invariant: every sample's path, read root to leaf,
// reproduces its response exactly (its text, and its token ids when the dump has them). Nodes
// hold spans of the samples' responses in the step buffer, not copies.

/// A node of a shape: which samples pass through it and where its segment ends, when known.
struct ShapeNode {
  var parent: Int
  var depth: Int
  var reason: SpawnReason
  /// Samples whose path passes through (or ends at) this node; the first is the leader whose
  /// response supplies the segment's content.
  var members: [Int] = []
  var endsHere: [Int] = []
  var childCount = 0
  /// Where the segment ends in the leader's response, in tokens (TreePO's counts or a token trie).
  var tokenEnd: Int?
  /// Where it ends in the leader's UTF-8 text, when the shape was found on text.
  var byteEnd: Int?
}

struct Shape {
  /// Index 0 is the root.
  var nodes: [ShapeNode] = [ShapeNode(parent: -1, depth: 0, reason: .root)]
  var method: String

  mutating func add(parent: Int, reason: SpawnReason) -> Int {
    nodes.append(ShapeNode(parent: parent, depth: nodes[parent].depth + 1, reason: reason))
    nodes[parent].childCount += 1
    return nodes.count - 1
  }
}

/// A node of a built tree: its segment as spans of the step buffer (text: bytes of the leader's
/// response; tokens: its response ids in `ints`), no text of its own.
struct TreeNode {
  /// -1 for the root.
  var parent: Int
  var depth: Int
  var reason: SpawnReason
  var text: Span
  var tokens: Span
  /// The sample (index in the group) whose response ends here; nil for inner nodes and the root.
  var sample: Int?
}

/// A group's tree over its step buffer; `nodes[0]` is the root, parents before children.
struct BuiltTree {
  var nodes: [TreeNode]
  /// How the shape was found: "tree_idx", "prefix-tokens" or "prefix-text".
  var method: String

  init(nodes: [TreeNode], method: String) {
    self.nodes = nodes
    self.method = method
  }

  /// The tree_idx shape when every sample has a path, else the prefix tree.
  init(_ group: [Sample], in buffer: StepBuffer) {
    let responses = GroupResponses(group, buffer)
    self.init(
      shape: TreeIndexTree.shape(group, buffer) ?? PrefixTree.shape(responses), responses)
  }

  /// Fills the shape's nodes with content. Ends are clamped between the parent's end and the
  /// longest prefix that all samples below share, so no segment claims text a sample below it
  /// does not have; a sample that ends at a node with children gets an empty leaf of its own.
  init(shape: Shape, _ r: GroupResponses) {
    method = shape.method
    let n = r.count
    // Leader's whole path length in tokens (for placing text boundaries proportionally).
    var pathTokens = [Int?](repeating: nil, count: n)
    for node in shape.nodes {
      for s in node.endsHere { pathTokens[s] = r.hasIds ? r.ids[s].count : node.tokenEnd }
    }
    nodes = [
      TreeNode(parent: -1, depth: 0, reason: .root, text: .empty, tokens: .empty, sample: nil)
    ]
    nodes.reserveCapacity(shape.nodes.count + 1)
    var byteEnd = [Int](repeating: 0, count: shape.nodes.count)
    var tokenEnd = [Int](repeating: 0, count: shape.nodes.count)
    var idOf = [Int](repeating: 0, count: shape.nodes.count)

    func append(
      parent: Int, depth: Int, reason: SpawnReason, leader: Int, bytes: Range<Int>,
      tokens: Range<Int>, sample: Int?
    ) -> Int {
      let text = Span(start: r.text[leader].start + bytes.lowerBound, count: bytes.count)
      let ids =
        r.hasIds
        ? Span(start: r.ids[leader].start + tokens.lowerBound, count: tokens.count) : .empty
      nodes.append(
        TreeNode(
          parent: parent, depth: depth, reason: reason, text: text, tokens: ids, sample: sample))
      return nodes.count - 1
    }

    for index in shape.nodes.indices.dropFirst() {
      let node = shape.nodes[index]
      let p = node.parent
      let leader = node.members[0]
      let isLeaf = node.childCount == 0 && node.endsHere.count == 1 && node.members.count == 1
      // Tokens.
      var t = tokenEnd[p]
      if r.hasIds {
        let shared = r.commonIdEnd(node.members, from: tokenEnd[p])
        t = isLeaf ? r.ids[leader].count : min(max(node.tokenEnd ?? shared, tokenEnd[p]), shared)
      }
      // Text.
      let sharedBytes = r.commonTextEnd(node.members, from: byteEnd[p])
      let length = r.text[leader].count
      var b: Int
      if isLeaf {
        b = length
      } else if let exact = node.byteEnd {
        b = exact
      } else if r.hasIds, r.ids[leader].count > 0 {
        b = length * t / r.ids[leader].count
      } else if let end = node.tokenEnd, let total = pathTokens[leader], total > 0 {
        b = length * min(end, total) / total
      } else {
        b = sharedBytes
      }
      b = min(max(b, byteEnd[p]), sharedBytes)
      while b > byteEnd[p], b < length, r.byte(leader, b) & 0xC0 == 0x80 { b -= 1 }
      byteEnd[index] = b
      tokenEnd[index] = t
      idOf[index] = append(
        parent: idOf[p], depth: node.depth, reason: node.reason, leader: leader,
        bytes: byteEnd[p]..<b, tokens: tokenEnd[p]..<t, sample: isLeaf ? leader : nil)
      if !isLeaf {
        for s in node.endsHere {
          _ = append(
            parent: idOf[index], depth: node.depth + 1, reason: .divergence, leader: s,
            bytes: b..<r.text[s].count, tokens: t..<(r.hasIds ? r.ids[s].count : t), sample: s)
        }
      }
    }
    // Samples that end at the root (empty responses).
    for s in shape.nodes[0].endsHere {
      _ = append(
        parent: 0, depth: 1, reason: .initial, leader: s, bytes: 0..<r.text[s].count,
        tokens: 0..<(r.hasIds ? r.ids[s].count : 0), sample: s)
    }
  }
}
