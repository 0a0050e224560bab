// The exact tree of a TreePO group from its paths (`tree_idx`) and per-round token counts
// (`token_count_per_step`).
//
// A node is a path prefix: "0/1-0/2-9" is the segment decoded in round 2 at position 9 below the
// one decoded in round 1 at position 0. A segment's length is its round's count on a path that
// went through it. TreePO's fallback cuts a finished path back and decodes on: the path keeps its
// first k segments and gets new ones, but `token_count_per_step` keeps the old path's counts in
// front of the new ones ("ragged": more counts than segments). So paths with one count per segment
// are read first; on a ragged path the segments other paths already measured keep their length and
// the new ones take the counts from the end. A fallback that cut inside a segment shows up as a
// segment that ends where the samples below it part (ImportedTree clamps to the shared prefix).

enum TreeIndexTree {
  /// The shape, or nil when some sample in the group has no path (the group is then a prefix tree).
  static func shape(_ samples: [Sample], _ buffer: StepBuffer) -> Shape? {
    guard !samples.isEmpty, samples.allSatisfy({ $0.path != nil }) else { return nil }
    let ints = buffer.ints
    var shape = Shape(method: "tree_idx")
    typealias Segment = TreeIndexPath.Segment
    // A trie of the path prefixes (prefix k = node k; 0 is the root), one edge per segment.
    struct Edge: Hashable {
      var parent: Int
      var segment: Segment
    }
    // A node's children are found by a look through them while it has a few (no hashing); a node
    // with more (a wide first round) also keeps them in a dictionary.
    var wide: [Edge: Int] = [:]
    var kids: [[Int]] = [[]]
    var segmentOf: [Segment] = [Segment(round: 0, position: 0)]
    // Every sample's trie nodes, one path after another: sample s's are
    // `prefixPaths[pathStart[s]..<pathStart[s + 1]]` (one flat array, not one per sample).
    var prefixPaths: [Int] = []
    var pathStart: [Int] = [0]
    pathStart.reserveCapacity(samples.count + 1)
    for s in samples {
      var at = 0
      let p = s.path!
      for j in 0..<s.segmentCount {
        // The path's ints: root, then (round, position) per segment.
        let segment = Segment(round: ints[p.start + 1 + 2 * j], position: ints[p.start + 2 + 2 * j])
        var next = -1
        if kids[at].count <= 8 {
          for kid in kids[at] where segmentOf[kid] == segment {
            next = kid
            break
          }
        } else {
          next = wide[Edge(parent: at, segment: segment)] ?? -1
        }
        if next < 0 {
          next = kids.count
          kids[at].append(next)
          kids.append([])
          segmentOf.append(segment)
          if kids[at].count == 9 {
            for kid in kids[at] { wide[Edge(parent: at, segment: segmentOf[kid])] = kid }
          } else if kids[at].count > 9 {
            wide[Edge(parent: at, segment: segment)] = next
          }
        }
        at = next
        prefixPaths.append(at)
      }
      pathStart.append(prefixPaths.count)
    }
    // Parents before children, siblings in round-position order: level by level, each level's
    // children taken in their parents' order (the order of the paths sorted by length, then
    // segment by segment).
    var index = [Int](repeating: 0, count: kids.count)
    var level = [0]
    var depth = 0
    while !level.isEmpty {
      depth += 1
      var next: [Int] = []
      for prefix in level {
        for kid in kids[prefix].sorted(by: { segmentOf[$0] < segmentOf[$1] }) {
          index[kid] = shape.add(parent: index[prefix], reason: depth == 1 ? .initial : .divergence)
          next.append(kid)
        }
      }
      level = next
    }
    // Paths with one count per segment first: they measure segments as decoded.
    let order = samples.indices.sorted { a, b in
      let ra = Self.isRagged(samples[a])
      let rb = Self.isRagged(samples[b])
      return ra != rb ? !ra : a < b
    }
    var length = [Int?](repeating: nil, count: shape.nodes.count)
    shape.nodes[0].members.reserveCapacity(samples.count)
    var path: [Int] = []
    for s in order {
      path.removeAll(keepingCapacity: true)
      for k in pathStart[s]..<pathStart[s + 1] { path.append(index[prefixPaths[k]]) }
      shape.nodes[0].members.append(s)
      for node in path { shape.nodes[node].members.append(s) }
      shape.nodes[path.last ?? 0].endsHere.append(s)
      guard let c = samples[s].tokenCounts, c.count >= path.count else { continue }
      let counts = ints[c.start..<c.end]
      if counts.count == path.count {
        for (node, count) in zip(path, counts) where length[node] == nil { length[node] = count }
        continue
      }
      // Ragged: the segments not measured yet are this path's own, newest rounds.
      guard let kept = path.firstIndex(where: { length[$0] == nil }) else { continue }
      let own = path.count - kept
      for (j, node) in path[kept...].enumerated() {
        length[node] = counts[c.end - own + j]
      }
      if kept > 0 { shape.nodes[path[kept]].reason = .fallback }
    }
    // Absolute ends along each node's path (all paths through a node share its tokens).
    for i in shape.nodes.indices.dropFirst() {
      let p = shape.nodes[i].parent
      if let l = length[i], let start = p == 0 ? 0 : shape.nodes[p].tokenEnd {
        shape.nodes[i].tokenEnd = start + l
      }
    }
    return shape
  }

  private static func isRagged(_ s: Sample) -> Bool {
    (s.tokenCounts?.count ?? 0) != s.segmentCount
  }
}
