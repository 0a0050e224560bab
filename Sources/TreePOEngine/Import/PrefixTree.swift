// A flat group (GRPO's n samples of one prompt) as a tree: a radix tree over the responses, so
// the screen shows where the samples part ways. On token ids when every sample has them, else on
// the UTF-8 text, splitting only between characters.

enum PrefixTree {
  static func shape(_ samples: [RolloutSample]) -> Shape {
    if samples.allSatisfy({ $0.responseIds != nil }) {
      return build(samples.map { $0.responseIds! }, method: "prefix-tokens") { _, _ in
        1
      } set: {
        $0.tokenEnd = $1
      }
    }
    return build(samples.map { Array($0.response.utf8) }, method: "prefix-text") { seq, i in
      scalarLength(seq[i])
    } set: {
      $0.byteEnd = $1
    }
  }

  /// Iterative (an explicit stack), so a group of thousands of samples cannot overflow the stack.
  /// `unit(seq, i)` is how many elements from `i` belong together (one UTF-8 character).
  private static func build<T: Hashable>(
    _ seqs: [[T]], method: String, unit: ([T], Int) -> Int, set: (inout ShapeNode, Int) -> Void
  ) -> Shape {
    var shape = Shape(method: method)
    shape.nodes[0].members = Array(seqs.indices)
    var stack: [(members: [Int], offset: Int, parent: Int)] = [(Array(seqs.indices), 0, 0)]
    while let (members, offset, parent) = stack.popLast() {
      var node = parent
      var end = offset
      if members.count == 1 {
        let s = members[0]
        if seqs[s].count > offset || parent == 0 {
          node = shape.add(parent: parent, reason: parent == 0 ? .initial : .divergence)
          shape.nodes[node].members = members
          set(&shape.nodes[node], seqs[s].count)
        }
        shape.nodes[node].endsHere.append(s)
        continue
      }
      end = commonEnd(members.map { seqs[$0] }, from: offset)
      // Back to a character boundary (the text trie never splits a UTF-8 sequence).
      let first = seqs[members[0]]
      var k = offset
      while k < end {
        let n = unit(first, k)
        if k + n > end { break }
        k += n
      }
      end = k
      if end > offset {
        node = shape.add(parent: parent, reason: parent == 0 ? .initial : .divergence)
        shape.nodes[node].members = members
        set(&shape.nodes[node], end)
      }
      // Part the members by what comes next, in order of first appearance.
      var groups: [[T]: [Int]] = [:]
      var groupOrder: [[T]] = []
      for s in members {
        if seqs[s].count == end {
          shape.nodes[node].endsHere.append(s)
          continue
        }
        let next = Array(seqs[s][end..<min(end + unit(seqs[s], end), seqs[s].count)])
        if groups[next] == nil { groupOrder.append(next) }
        groups[next, default: []].append(s)
      }
      // Pushed in reverse so children are created in order.
      for key in groupOrder.reversed() { stack.append((groups[key]!, end, node)) }
    }
    return shape
  }

  private static func scalarLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0xF0...: 4
    case 0xE0...: 3
    case 0xC0...: 2
    default: 1
    }
  }
}
