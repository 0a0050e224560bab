import Foundation
import TreePOTrace

// Prompt + the selected node's full path, each token coloured by the current mode (`c` cycles):
// entropy, probability or advantage, with the legend on the border. Segments are split by a dim
// "┊". When the path is longer than the pane, its start gives way ("…") so the selected end stays;
// u/d/U/D scroll through it (PathPane+Scroll.swift). Only the cells in view are laid out.
// A chat prompt shows its words and dims its template markup; a task prompt is dim as a whole.

struct PathPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    let colouring = explorer.state.colouring
    let inner = area.inner
    let cells = explorer.pathCells()
    var top = cells?.start
    var scrolled = false
    if let cells {
      (top, scrolled) = explorer.pathTop(cells, width: inner.width, height: inner.height)
    }
    var more = ""
    if scrolled {
      more = "u d scroll · D end"
    } else if let cells, let top, top > cells.start {
      more = "u scrolls up"
    }
    grid.box(
      area, title: "Path · colour: \(colouring.rawValue) (c)", note: legend(colouring),
      focused: false, bottomNote: more)
    guard let cells, let top else { return }
    let window = cells.window(from: top, width: inner.width, height: inner.height)
    for cell in window.cells {
      grid.put(
        String(cell.character), x: inner.x + cell.x, y: inner.y + cell.y, style: cell.style,
        maxX: inner.maxX)
    }
  }

  private func legend(_ colouring: Colouring) -> String {
    switch colouring {
    case .entropy: "underline H≥0.15 · bold ≥0.5 nats"
    case .probability: "underline p<0.9 · bold <0.5"
    case .advantage: "green A>0 · red A<0 · bold |A|>0.5"
    }
  }
}

extension Explorer {
  /// The selected node's path as a stream of cells: the prompt's runs, then "┊" and the tokens of
  /// every segment; nil when no prompt is shown. Costs the path's depth, not its length.
  func pathCells() -> PathCells? {
    guard let tree = promptTree, let selected = selectedNode else { return nil }
    let facts = memo.facts(ofPrompt: tree.info)
    let runs = facts.runs.map { PromptFacts.slice(tree.info.text, $0.bytes) }
    let styles = facts.runs.map { $0.markup || !facts.chat ? Theme.dim : Theme.promptText }
    var parts = [PathCells.Part(strings: .runs(runs), style: { styles[$0] })]
    for id in tree.path(to: selected) {
      guard let node = tree.nodes[id], node.reason != .root else { continue }
      parts.append(PathCells.Part(strings: .runs(["┊"]), style: { _ in Theme.dim }))
      parts.append(segment(node, prompt: tree.info.index))
    }
    return PathCells(parts: parts)
  }

  /// A segment's cells with per-token styles; when the text does not split into the tokens'
  /// texts (a character cut between two tokens), the whole segment takes the segment's mean.
  private func segment(_ node: TreeNode, prompt: Int) -> PathCells.Part {
    let tokens = memo.tokens(of: node, prompt: prompt)
    let means = memo.means(of: node, prompt: prompt)
    let perToken = tokens.perToken
    let colouring = state.colouring
    let style: (Int) -> Style = { i in
      switch colouring {
      case .entropy:
        let e = perToken && i < node.entropies.count ? node.entropies[i] : means.meanEntropy
        return Theme.heatStyle(e.map(Theme.heat(entropy:)) ?? 0)
      case .probability:
        let lp = perToken && i < node.logprobs.count ? node.logprobs[i] : means.meanLogprob
        return Theme.heatStyle(lp.map(Theme.heat(logprob:)) ?? 0)
      case .advantage:
        return Theme.advantageStyle(node.advantage)
      }
    }
    if perToken, tokens.kind == .texts, let texts = node.tokenTexts {
      return PathCells.Part(strings: .tokens(texts), style: style)
    }
    return PathCells.Part(
      strings: .text(node.text[...], perCharacter: perToken, characters: node.tokenIds.count),
      style: style)
  }
}
