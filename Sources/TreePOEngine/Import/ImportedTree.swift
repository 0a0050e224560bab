// The tree of one prompt's group, as the trace will show it. Two builders make its shape
// (TreeIndexTree from TreePO's paths, PrefixTree from flat responses); this file turns a shape into
// nodes with tokens and text, under one invariant: every sample's path, read root to leaf,
// reproduces its response exactly (its text, and its token ids when the dump has them).

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
}

/// A node of a shape: which samples pass through it and where its segment ends, when known.
struct ShapeNode {
  var parent: Int
  var depth: Int
  var reason: SpawnReason
  /// Samples whose path passes through (or ends at) this node; the first is the leader whose
  /// response supplies the segment's content.
  var members: [Int] = []
  var endsHere: [Int] = []
  var children: [Int] = []
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
    nodes[parent].children.append(nodes.count - 1)
    return nodes.count - 1
  }
}

extension ImportedTree {
  /// Fills the shape's nodes with content. Ends are clamped between the parent's end and the
  /// longest prefix that all samples below share, so no segment claims text a sample below it
  /// does not have; a sample that ends at a node with children gets an empty leaf of its own.
  init(shape: Shape, samples: [RolloutSample]) {
    method = shape.method
    let bytes = ResponseBytes(samples)
    let ids = samples.allSatisfy { $0.responseIds != nil } ? samples.map { $0.responseIds! } : nil
    // Leader's whole path length in tokens (for placing text boundaries proportionally).
    var pathTokens = [Int?](repeating: nil, count: samples.count)
    for node in shape.nodes {
      for s in node.endsHere { pathTokens[s] = ids?[s].count ?? node.tokenEnd }
    }
    nodes = [ImportedNode(id: 0, parent: nil, depth: 0, reason: .root, tokenIds: [], text: "")]
    var byteEnd = [Int](repeating: 0, count: shape.nodes.count)
    var tokenEnd = [Int](repeating: 0, count: shape.nodes.count)
    var idOf = [Int](repeating: 0, count: shape.nodes.count)

    func append(
      parentShape: Int, parentId: Int, depth: Int, reason: SpawnReason, leader: Int,
      bytes range: Range<Int>, tokens: Range<Int>, sample: Int?
    ) -> Int {
      let text = bytes.string(leader, range)
      let tokenIds = ids.map { Array($0[leader][tokens]) } ?? []
      nodes.append(
        ImportedNode(
          id: nodes.count, parent: parentId, depth: depth, reason: reason, tokenIds: tokenIds,
          text: text, sample: sample))
      return nodes.count - 1
    }

    for index in shape.nodes.indices.dropFirst() {
      let node = shape.nodes[index]
      let p = node.parent
      let leader = node.members[0]
      let isLeaf = node.children.isEmpty && node.endsHere.count == 1 && node.members.count == 1
      // Tokens.
      var t = tokenEnd[p]
      if let ids {
        let shared = commonEnd(node.members.map { ids[$0] }, from: tokenEnd[p])
        t = isLeaf ? ids[leader].count : min(max(node.tokenEnd ?? shared, tokenEnd[p]), shared)
      }
      // Text.
      let sharedBytes = bytes.commonEnd(node.members, from: byteEnd[p])
      var b: Int
      if isLeaf {
        b = bytes.count(leader)
      } else if let exact = node.byteEnd {
        b = exact
      } else if let ids, !ids[leader].isEmpty {
        b = bytes.count(leader) * t / ids[leader].count
      } else if let end = node.tokenEnd, let total = pathTokens[leader], total > 0 {
        b = bytes.count(leader) * min(end, total) / total
      } else {
        b = sharedBytes
      }
      b = min(max(b, byteEnd[p]), sharedBytes)
      while b > byteEnd[p], b < bytes.count(leader), bytes.byte(leader, b) & 0xC0 == 0x80 { b -= 1 }
      byteEnd[index] = b
      tokenEnd[index] = t
      idOf[index] = append(
        parentShape: p, parentId: idOf[p], depth: node.depth, reason: node.reason, leader: leader,
        bytes: byteEnd[p]..<b, tokens: tokenEnd[p]..<t, sample: isLeaf ? leader : nil)
      if !isLeaf {
        for s in node.endsHere {
          _ = append(
            parentShape: index, parentId: idOf[index], depth: node.depth + 1, reason: .divergence,
            leader: s, bytes: b..<bytes.count(s), tokens: t..<(ids?[s].count ?? t), sample: s)
        }
      }
    }
    // Samples that end at the root (empty responses).
    for s in shape.nodes[0].endsHere {
      _ = append(
        parentShape: 0, parentId: 0, depth: 1, reason: .initial, leader: s,
        bytes: 0..<bytes.count(s), tokens: 0..<(ids?[s].count ?? 0), sample: s)
    }
  }
}

/// The end of the longest run, starting at `start`, that all sequences share.
func commonEnd<T: Equatable>(_ sequences: [[T]], from start: Int) -> Int {
  guard let first = sequences.first else { return start }
  var end = first.count
  for other in sequences.dropFirst() {
    var i = start
    let limit = min(end, other.count)
    while i < limit, first[i] == other[i] { i += 1 }
    end = i
  }
  return max(end, start)
}

/// The group's responses as UTF-8 in one buffer (one allocation, not one per sample), compared a
/// word at a time.
struct ResponseBytes {
  private var storage: [UInt8] = []
  private var starts: [Int] = [0]

  init(_ samples: [RolloutSample]) {
    storage.reserveCapacity(samples.reduce(0) { $0 + $1.response.utf8.count })
    for s in samples {
      var text = s.response
      text.withUTF8 { storage.append(contentsOf: $0) }
      starts.append(storage.count)
    }
  }

  func count(_ s: Int) -> Int { starts[s + 1] - starts[s] }

  func byte(_ s: Int, _ i: Int) -> UInt8 { storage[starts[s] + i] }

  func string(_ s: Int, _ range: Range<Int>) -> String {
    storage.withUnsafeBufferPointer { p in
      let from = starts[s] + range.lowerBound
      return String(
        decoding: UnsafeBufferPointer(rebasing: p[from..<from + range.count]), as: UTF8.self)
    }
  }

  /// `commonEnd` of the members' responses.
  func commonEnd(_ members: [Int], from start: Int) -> Int {
    guard let first = members.first else { return start }
    var end = count(first)
    storage.withUnsafeBufferPointer { p in
      guard let base = p.baseAddress else { return }
      let a = base + starts[first]
      for other in members.dropFirst() {
        let b = base + starts[other]
        var i = start
        let limit = min(end, count(other))
        while i + 8 <= limit, word(a + i) == word(b + i) { i += 8 }
        while i < limit, a[i] == b[i] { i += 1 }
        end = i
      }
    }
    return max(end, start)
  }

  private func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
    UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
  }
}
