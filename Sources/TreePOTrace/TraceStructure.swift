// The structural rules a trace's node events obey, checked as the reader goes: within a rollout a
// node is spawned once, and its parent was spawned on an earlier line. Together they make every
// prompt's nodes a tree (a cycle would need a parent that comes later, or a node its own parent).

struct TraceStructure {
  private struct NodeKey: Hashable {
    var prompt: Int
    var node: Int
  }
  /// Line each node of the current rollout was spawned on.
  private var spawned: [NodeKey: Int] = [:]

  /// A new rollout: node ids start over.
  mutating func startRollout() { spawned.removeAll(keepingCapacity: true) }

  /// What is wrong with this spawn (words to follow "line N "), or nil when it fits.
  mutating func check(_ e: NodeSpawned, line: Int) -> String? {
    let key = NodeKey(prompt: e.prompt, node: e.node)
    if let first = spawned[key] {
      return "spawns node \(e.node) of prompt \(e.prompt) again (first spawned on line \(first))"
    }
    if let parent = e.parent {
      if parent == e.node {
        return "makes node \(e.node) of prompt \(e.prompt) its own parent (a cycle)"
      }
      guard spawned[NodeKey(prompt: e.prompt, node: parent)] != nil else {
        return "spawns node \(e.node) of prompt \(e.prompt) under parent \(parent), "
          + "which no earlier line of this rollout spawned (a forward reference or a cycle)"
      }
    }
    spawned[key] = line
    return nil
  }
}
