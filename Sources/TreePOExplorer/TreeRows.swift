// The tree flattened into the rows the Tree pane shows (folded subtrees left out), in depth-first
// order. Navigation (j/k, g/G, paging, mouse) and drawing both work on these rows.

public struct TreeRow: Sendable, Equatable {
  public var node: Int
  /// Levels below the root (the tree's shape, whatever the events' `depth` said).
  public var depth: Int
  /// For each ancestor level 1..<depth: whether a vertical guide `│` continues there.
  public var guides: [Bool]
  public var isLast: Bool
  /// Folded with children hidden.
  public var folded: Bool

  /// Box-drawing prefix, e.g. "│ ├─" (two columns per level; the root has none).
  public var prefix: String {
    guard depth > 0 else { return "" }
    var s = ""
    for g in guides { s += g ? "│ " : "  " }
    return s + (isLast ? "└─" : "├─")
  }
}

extension PromptTree {
  /// Rows in depth-first order; children of nodes for which `isFolded` is true are left out.
  public func rows(isFolded: (Int) -> Bool) -> [TreeRow] {
    guard let root else { return [] }
    var out: [TreeRow] = []
    out.reserveCapacity(nodes.count)
    // (node, guides, isLast)
    var stack: [(Int, [Bool], Bool)] = [(root, [], true)]
    // Each node once, even if a damaged trace made a child list repeat an id or loop back.
    var seen: Set<Int> = []
    while let (id, guides, isLast) = stack.popLast() {
      // The node's children read in place: copying the node would retain all its arrays.
      guard let slot = nodes.index(forKey: id), seen.insert(id).inserted else { continue }
      let children = nodes.values[slot].children
      let folded = isFolded(id) && !children.isEmpty
      out.append(
        TreeRow(
          node: id, depth: id == root ? 0 : guides.count + 1, guides: guides, isLast: isLast,
          folded: folded))
      if folded { continue }
      let childGuides = id == root ? guides : guides + [!isLast]
      for (i, child) in children.enumerated().reversed() {
        stack.append((child, childGuides, i == children.count - 1))
      }
    }
    return out
  }

  /// Every node in depth-first order, folds ignored (search walks this).
  public var depthFirstOrder: [Int] {
    guard let root else { return [] }
    var out: [Int] = []
    var stack = [root]
    var seen: Set<Int> = []
    while let id = stack.popLast() {
      guard let node = nodes[id], seen.insert(id).inserted else { continue }
      out.append(id)
      stack.append(contentsOf: node.children.reversed())
    }
    return out
  }
}
