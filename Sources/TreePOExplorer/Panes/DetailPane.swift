import Foundation
import TreePOTrace

// The selected node: id, depth, tokens, mean entropy, log-probability, spawn reason, how it ended,
// reward and failure, advantage, and after a train step the change in its log-probability. Spare
// rows list the segment's tokens with their probability and entropy.

struct DetailPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    guard let tree = explorer.promptTree, let id = explorer.selectedNode,
      let node = tree.nodes[id]
    else {
      grid.box(area, title: "Node")
      return
    }
    grid.box(
      area, title: node.reason == .root ? "Prompt \(tree.info.index)" : "Node \(id)",
      note: "depth \(node.depth)")
    var lines: [[(String, Style)]] = []
    if node.reason == .root {
      let t = tree.tally
      lines.append([("\(tree.info.tokenIds.count) prompt tokens", .plain)])
      lines.append([
        ("✓\(t.correct) ✗\(t.finished - t.correct) ⊘\(t.stopped) …\(t.truncated)", .plain),
        (" ●\(t.active) ✂\(t.pruned)", Theme.dim),
      ])
      let mean = t.meanReward.map { fixed($0) } ?? "—"
      lines.append([("mean reward ", Theme.label), (mean, .plain)])
      lines.append([("nodes ", Theme.label), ("\(tree.nodes.count)", .plain)])
      if !node.children.isEmpty {
        lines.append([("initial divergence ", Theme.label), ("×\(node.children.count)", .plain)])
      }
    } else {
      var spawn = node.reason.rawValue
      if let r = node.decodedInRound { spawn += " · round \(r)" }
      if node.fallbackCuts > 0 { spawn += " · ↺ cut here ×\(node.fallbackCuts)" }
      lines.append([("spawn ", Theme.label), (spawn, .plain)])
      let means = explorer.memo.means(of: node, prompt: tree.info.index)
      let entropy = means.meanEntropy.map { fixed($0) } ?? "—"
      let logp = means.sumLogprob.map { fixed($0) } ?? "—"
      lines.append([
        ("\(node.tokenIds.count) tok", .plain), ("  H̄ ", Theme.label), (entropy, .plain),
        ("  logp ", Theme.label), (logp, .plain),
      ])
      let (glyph, glyphStyle) = Theme.glyph(node.status)
      var ending = "\(node.status.name)"
      if let reason = node.endReason { ending += " · \(reason)" }
      if let why = Self.whyBranched(node, in: tree) { ending += " " + why }
      var outcome: [(String, Style)] = [("\(glyph) ", glyphStyle), (ending, .plain)]
      if let r = node.reward {
        outcome.append(("  r=\(fixed(r, digits: 0))", r > 0 ? Theme.positive : Theme.negative))
      }
      lines.append(outcome)
      var verdict: [(String, Style)] = []
      if let failure = node.failure {
        verdict += [("failure ", Theme.label), (failure + "  ", Theme.negative)]
      }
      verdict += [("A ", Theme.label)]
      verdict.append(
        node.advantage.map { (signed($0), Theme.advantageStyle($0)) } ?? ("—", Theme.dim))
      lines.append(verdict)
      if let before = node.logprobBefore, let after = node.logprobAfter {
        lines.append([
          ("Δlogp ", Theme.label), ("\(fixed(before))→\(fixed(after)) ", .plain),
          ("(\(signed(after - before)))", Theme.advantageStyle(after - before)),
        ])
      }
      // The token table only when at least its header and one token fit; only the tokens it
      // shows are looked at (a segment can hold thousands).
      if lines.count + 2 <= area.inner.height,
        let texts = explorer.memo.tokens(of: node, prompt: tree.info.index)
          .tokenTexts(of: node, first: area.inner.height - lines.count - 1),
        !texts.isEmpty
      {
        let shown = texts.map(Self.quoted)
        let column = shown.map { displayWidth($0) }.max() ?? 3
        lines.append([(Self.padded("tok", to: column) + "   p     H", Theme.label)])
        for (i, token) in shown.enumerated()
        where i < node.logprobs.count && i < node.entropies.count {
          let e = node.entropies[i]
          lines.append([
            (Self.padded(token, to: column), .plain),
            (
              "  \(fixed(exp(node.logprobs[i])))",
              Theme.heatStyle(Theme.heat(logprob: node.logprobs[i]))
            ),
            ("  \(fixed(e))", Theme.heatStyle(Theme.heat(entropy: e))),
          ])
        }
      }
    }
    let inner = area.inner
    for (i, line) in lines.prefix(inner.height).enumerated() {
      var x = inner.x + 1
      for (text, style) in line {
        x = grid.put(text, x: x, y: inner.y + i, style: style, maxX: inner.maxX)
      }
    }
  }
}

extension DetailPane {
  /// A token as the table shows it: quoted (so spaces show), ⏎ for a newline, at most 16 columns.
  static func quoted(_ text: String) -> String {
    "'" + truncated(printable(text), to: 16) + "'"
  }

  static func padded(_ s: String, to width: Int) -> String {
    s + String(repeating: " ", count: max(0, width - displayWidth(s)))
  }

  /// Why a node has children: how many, and its entropy rank among the paths of its prompt that
  /// went on after the same round (the entropy divergence policy gives more children to the more
  /// uncertain); e.g. "×3 · H̄ rank 1/4 in round 2".
  static func whyBranched(_ node: TreeNode, in tree: PromptTree) -> String? {
    guard !node.children.isEmpty, node.reason != .root else { return nil }
    var text = "×\(node.children.count)"
    if node.fallbackCuts > 0 { text += " (↺ fallback)" }
    guard let round = node.decodedInRound, let mine = node.keptMeanEntropy, !mine.isNaN else {
      return text
    }
    // Every node of the prompt is looked at in place (no copy of its arrays) and its mean comes
    // from the sum the reducer keeps: a frame pays a few loads per node, not a walk of its tokens.
    var peers = 0
    var above = 0
    for i in tree.nodes.values.indices where tree.nodes.values[i].isRankPeer(inRound: round) {
      peers += 1
      if (tree.nodes.values[i].keptMeanEntropy ?? -.infinity) > mine { above += 1 }
    }
    return text + " · H̄ rank \(above + 1)/\(peers) in round \(round)"
  }
}

extension TreeNode {
  /// A path that went on after `round` (decoded then, not ended): what a branch is ranked among.
  fileprivate func isRankPeer(inRound round: Int) -> Bool {
    decodedInRound == round && outcome == nil && reason != .root
  }
}

extension NodeStatus {
  var name: String {
    switch self {
    case .root: "prompt"
    case .waiting: "waiting"
    case .active: "active"
    case .branched: "branched"
    case .finished(let correct): correct ? "correct" : "wrong"
    case .stopped: "stopped"
    case .truncated: "truncated"
    case .pruned: "pruned"
    }
  }
}
