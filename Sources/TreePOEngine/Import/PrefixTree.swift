// A flat group (GRPO's n samples of one prompt) as a tree: a radix tree over the responses, so
// the screen shows where the samples part ways. On token ids when every sample has them, else on
// the UTF-8 text, splitting only between characters.

enum PrefixTree {
  static func shape(_ r: GroupResponses) -> Shape {
    if r.hasIds {
      return build(
        r, method: "prefix-tokens", length: { r.ids[$0].count }, unit: { _, _ in 1 },
        key: { s, i, _ in r.id(s, i) }, common: { r.commonIdEnd($0, from: $1) },
        set: { $0.tokenEnd = $1 })
    }
    return build(
      r, method: "prefix-text", length: { r.text[$0].count },
      unit: { s, i in scalarLength(r.byte(s, i)) },
      key: { s, i, n in
        // The character's bytes and its length in one Int: equal keys, equal characters.
        var key = n
        for j in 0..<n { key = key << 8 | Int(r.byte(s, i + j)) }
        return key
      }, common: { r.commonTextEnd($0, from: $1) }, set: { $0.byteEnd = $1 })
  }

  /// Iterative (an explicit stack), so a group of thousands of samples cannot overflow the stack.
  /// `unit(s, i)` is how many elements from `i` belong together (one UTF-8 character); `key(s, i,
  /// n)` names those `n` elements, so samples are parted by what comes next without copying it.
  private static func build(
    _ r: GroupResponses, method: String, length: (Int) -> Int, unit: (Int, Int) -> Int,
    key: (Int, Int, Int) -> Int, common: ([Int], Int) -> Int, set: (inout ShapeNode, Int) -> Void
  ) -> Shape {
    var shape = Shape(method: method)
    shape.nodes[0].members = Array(0..<r.count)
    var stack: [(members: [Int], offset: Int, parent: Int)] = [(Array(0..<r.count), 0, 0)]
    while let (members, offset, parent) = stack.popLast() {
      var node = parent
      var end = offset
      if members.count == 1 {
        let s = members[0]
        if length(s) > offset || parent == 0 {
          node = shape.add(parent: parent, reason: parent == 0 ? .initial : .divergence)
          shape.nodes[node].members = members
          set(&shape.nodes[node], length(s))
        }
        shape.nodes[node].endsHere.append(s)
        continue
      }
      end = common(members, offset)
      // Back to a character boundary (the text trie never splits a UTF-8 sequence).
      let first = members[0]
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
      var groups: [Int: Int] = [:]
      var parts: [[Int]] = []
      for s in members {
        if length(s) == end {
          shape.nodes[node].endsHere.append(s)
          continue
        }
        let next = key(s, end, min(unit(s, end), length(s) - end))
        if let g = groups[next] {
          parts[g].append(s)
        } else {
          groups[next] = parts.count
          parts.append([s])
        }
      }
      // Pushed in reverse so children are created in order.
      for part in parts.reversed() { stack.append((part, end, node)) }
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
