import Foundation
import TreePOTrace

// Prompt + the selected node's full path, each token coloured by the current mode (`c` cycles):
// entropy, probability or advantage, with the legend on the border. Segments are split by a dim
// "┊". When the path is longer than the pane, its start gives way ("…") so the selected end stays.
// A chat prompt shows its words and dims its template markup; a task prompt is dim as a whole.

struct PathPane {
  let explorer: Explorer

  func render(in area: Rect, into grid: inout CellGrid) {
    let colouring = explorer.state.colouring
    grid.box(
      area, title: "Path · colour: \(colouring.rawValue) (c)", note: legend(colouring),
      focused: false)
    guard let tree = explorer.promptTree, let selected = explorer.selectedNode else { return }
    let runs = ChatMarkup.runs(tree.info.text)
    let chat = runs.contains(where: \.markup)
    var cells: [(Character, Style)] = runs.flatMap { run in
      printable(run.text).map { ($0, run.markup || !chat ? Theme.dim : Theme.promptText) }
    }
    for id in tree.path(to: selected) {
      guard let node = tree.nodes[id], node.reason != .root else { continue }
      cells.append(("┊", Theme.dim))
      cells.append(contentsOf: tokens(of: node, colouring: colouring))
    }
    let inner = area.inner
    let capacity = inner.width * inner.height
    if cells.count > capacity {
      cells = [("…", Theme.dim)] + cells.suffix(capacity - 1)
    }
    var x = inner.x
    var y = inner.y
    for (c, style) in cells {
      let w = max(1, displayWidth(c))
      if x + w > inner.maxX {
        x = inner.x
        y += 1
      }
      guard y < inner.maxY else { break }
      grid.put(String(c), x: x, y: y, style: style, maxX: inner.maxX)
      x += w
    }
  }

  /// The node's characters with per-token styles; when the text does not split into the tokens'
  /// texts (a character cut between two tokens), the whole segment takes the segment's mean.
  private func tokens(of node: TreeNode, colouring: Colouring) -> [(Character, Style)] {
    let pieces = node.tokenDisplayTexts.flatMap { $0.joined() == node.text ? $0 : nil }
    let perToken = pieces != nil
    func style(at i: Int) -> Style {
      switch colouring {
      case .entropy:
        let e = perToken && i < node.entropies.count ? node.entropies[i] : node.meanEntropy
        return Theme.heatStyle(e.map(Theme.heat(entropy:)) ?? 0)
      case .probability:
        let lp =
          perToken && i < node.logprobs.count
          ? node.logprobs[i] : node.sumLogprob.map { $0 / Float(max(1, node.logprobs.count)) }
        return Theme.heatStyle(lp.map(Theme.heat(logprob:)) ?? 0)
      case .advantage:
        return Theme.advantageStyle(node.advantage)
      }
    }
    guard let pieces else { return printable(node.text).map { ($0, style(at: 0)) } }
    return pieces.enumerated().flatMap { i, piece in printable(piece).map { ($0, style(at: i)) } }
  }

  private func legend(_ colouring: Colouring) -> String {
    switch colouring {
    case .entropy: "underline H≥0.15 · bold ≥0.5 nats"
    case .probability: "underline p<0.9 · bold <0.5"
    case .advantage: "green A>0 · red A<0 · bold |A|>0.5"
    }
  }
}
