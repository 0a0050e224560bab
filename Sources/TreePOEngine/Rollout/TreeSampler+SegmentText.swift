// A decoded segment as an event: its text continues the path's text (a character cut by the
// previous segment's end is shown here, see Tokenizer.segmentText), and with a byte-level
// vocabulary each token's own text goes along for the explorer's token table.

extension TreeSampler {
  func segmentEvent(_ id: Int) -> TreeEvent {
    let n = nodes[id]
    return .segmentDecoded(
      SegmentDecoded(
        prompt: n.prompt, node: id, tokenIds: n.tokens,
        text: tokenizer.segmentText(n.tokens, after: responseTail(before: id), final: isLast(id)),
        logprobs: n.logprobs, entropies: n.entropies, tokenTexts: tokenizer.tokenTexts(n.tokens)))
  }

  /// The node's segment is its path's last: a stop token ended it, or the depth or the response
  /// length is used up. (A path stopped later by a rule, e.g. repetition, is not known here: a
  /// character its last token left unfinished is then not shown.)
  func isLast(_ id: Int) -> Bool {
    let n = nodes[id]
    if let last = n.tokens.last, tokenizer.stopIds.contains(last) { return true }
    return n.depth >= config.maxDepth || n.responseEnd >= responseLimit(n.prompt)
  }

  /// The last response tokens on the path above node `id`, enough for 3 bytes (or all of them).
  func responseTail(before id: Int) -> [Int] {
    var tail: [Int] = []
    var bytes = 0
    var at = nodes[id].parent
    while let p = at, bytes < 3 {
      for token in nodes[p].tokens.reversed() where bytes < 3 {
        tail.append(token)
        bytes += tokenizer.tokenBytes(token).count
      }
      at = nodes[p].parent
    }
    return tail.reversed()
  }
}
