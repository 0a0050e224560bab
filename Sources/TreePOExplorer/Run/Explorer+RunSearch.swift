import Foundation
import TreePOTrace

// `/` in a run searches the shown step's prompts and responses (in the batch list's order, each
// tree depth first); `n` / `N` go on to the next / previous match, and past the step's last match
// into the following steps (wrapping around the run). Steps whose bytes cannot hold the query
// are not decoded; in a step shown per tree, only the trees whose bytes may hold it (or whose
// prompt matches) are.

extension Explorer {
  /// A match: the prompt's position in its step and the node (the root when the prompt matches).
  struct RunMatch: Equatable {
    var position: Int
    var node: Int
  }

  /// The matches in `rollout` in the batch list's order.
  func runMatches(in rollout: RolloutState?, query: String) -> [RunMatch] {
    guard let run, let rollout, !query.isEmpty else { return [] }
    return run.order(of: rollout).flatMap {
      Self.matches(in: rollout.prompts[$0], position: $0, query: query)
    }
  }

  /// The matches in step `i` read per tree, in its batch list's order.
  func runMatches(perTreeStep i: Int, query: String) -> [RunMatch] {
    guard let run, !query.isEmpty else { return [] }
    let started = i == run.step ? run.started : try? run.index.rolloutStarted(ofStep: i)
    guard let started else { return [] }
    var hits: [RunMatch] = []
    for position in run.order(run.indexStats(step: i))
    where started.prompts[position].text.localizedCaseInsensitiveContains(query)
      || run.index.tree(ofStep: i, prompt: position, mayContain: query)
    {
      guard let tree = tree(step: i, prompt: position, started: started) else { continue }
      hits += Self.matches(in: tree, position: position, query: query)
    }
    return hits
  }

  private static func matches(in tree: PromptTree, position: Int, query: String) -> [RunMatch] {
    tree.depthFirstOrder.compactMap { id in
      guard let node = tree.nodes[id] else { return nil }
      let text = node.reason == .root ? tree.info.text : node.text
      return text.localizedCaseInsensitiveContains(query)
        ? RunMatch(position: position, node: id) : nil
    }
  }

  /// Whether step `i` is read per tree.
  private func perTree(_ i: Int) -> Bool {
    guard let run else { return false }
    return run.steps[i].bytes > run.wholeStepBytes
  }

  mutating func runJumpToMatch(forward: Bool, includeCurrent: Bool = false) {
    guard let run, !run.steps.isEmpty else { return }
    let query = state.search.query
    guard !query.isEmpty else { return }
    let hits =
      run.perTree
      ? runMatches(perTreeStep: run.step, query: query)
      : runMatches(in: store.current, query: query)
    // Where the selection is, as (rank in the batch order, rank in the tree's order).
    let order = batchOrder
    func rank(_ m: RunMatch) -> (Int, Int) {
      let p = order.firstIndex(of: m.position) ?? -1
      let tree = store.current?.prompts[m.position]
      return (p, tree?.depthFirstOrder.firstIndex(of: m.node) ?? -1)
    }
    let here = rank(RunMatch(position: state.promptPosition, node: selectedNode ?? -1))
    let inStep =
      forward
      ? hits.first { rank($0) > here || (includeCurrent && rank($0) == here) }
      : hits.last { rank($0) < here }
    if let target = inStep {
      show(target, of: hits, step: run.step, away: 0)
      return
    }
    // On through the other steps, wrapping round to this one.
    let count = run.steps.count
    for distance in 1...count {
      let i = ((run.step + (forward ? distance : -distance)) % count + count) % count
      guard run.index.step(i, mayContain: query) else { continue }
      let found: [RunMatch]
      if perTree(i) {
        found = runMatches(perTreeStep: i, query: query)
      } else {
        guard let (events, _) = try? run.index.events(ofStep: i) else { continue }
        var candidate = TreeStore()
        for event in events { candidate.apply(event) }
        found = runMatches(in: candidate.current, query: query)
      }
      guard let target = forward ? found.first : found.last else { continue }
      showStep(i)
      show(target, of: found, step: i, away: distance)
      return
    }
    state.message = "nothing in the run's prompts or responses matches \"\(query)\""
  }

  private mutating func show(_ target: RunMatch, of hits: [RunMatch], step: Int, away: Int) {
    state.promptPosition = target.position
    state.treeScroll = 0
    loadShownTree()
    if let tree = promptTree {
      for ancestor in tree.path(to: target.node).dropLast() {
        if let key = promptKey {
          state.folded.remove(.init(rollout: key.rollout, prompt: key.prompt, node: ancestor))
        }
      }
    }
    select(target.node)
    let n = (hits.firstIndex(of: target) ?? 0) + 1
    let rollout = run?.steps[step].summary.rollout ?? step
    var note = "match \(n)/\(hits.count) in step \(rollout) for \"\(state.search.query)\""
    if away > 0 { note += " (searched on \(away) step\(away == 1 ? "" : "s"))" }
    state.message = note
  }
}
