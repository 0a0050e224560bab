// One training step's samples → the trace lines the explorer replays: a rollout per step
// (`rollout` = the step), a prompt per group, its tree, the leaves' scores as rewards, advantages
// when the dump has them, and a train_step with verl-named metrics of the step's scores.
//
// The lines are written straight from the step buffer's spans, byte for byte as TreeEvent's own
// encoding (TreeEvent+JSON, TreeEvent+Payloads) writes the same events: same key order, same
// number texts, JSONWriter's string escapes. ImportEncoderTests holds the two side by side.

enum ImportEncoder {
  static func step(
    _ step: Int, groups: [[Sample]], trees: [BuiltTree], buffer: StepBuffer, source: String,
    into o: EncodedLines
  ) {
    let ints = buffer.ints
    o.raw(#"{"kind":"rollout_started","rollout":"#)
    o.int(step)
    o.raw(#","sampler":"#)
    o.raw(trees.contains { $0.method == "tree_idx" } ? #""tree""# : #""flat""#)
    o.raw(#","prompts":["#)
    for (g, samples) in groups.enumerated() {
      o.raw(g == 0 ? #"{"index":"# : #",{"index":"#)
      o.int(g)
      o.raw(#","text":"#)
      o.string(buffer.bytes(samples[0].prompt))
      o.raw(#","tokenIds":"#)
      o.ints(samples[0].promptIds, of: ints)
      o.raw("}")
    }
    o.raw(#"],"config":{"source":"#)
    o.string(source)
    o.raw(#","trainer.global_steps":""#)
    o.int(step)
    o.raw("\"}}\n")

    var counters = RolloutCounters()
    var advantages: [(group: Int, node: Int, advantage: Float)] = []
    var scores: [Double] = []
    var maxDepth = 0
    for (g, tree) in trees.enumerated() {
      let samples = groups[g]
      for (id, node) in tree.nodes.enumerated() {
        o.raw(#"{"kind":"node_spawned","prompt":"#)
        o.int(g)
        o.raw(#","node":"#)
        o.int(id)
        if node.parent >= 0 {
          o.raw(#","parent":"#)
          o.int(node.parent)
        }
        o.raw(#","depth":"#)
        o.int(node.depth)
        o.raw(#","reason":"#)
        reason(node.reason, o)
        o.raw("}\n")
        if node.parent >= 0 {
          o.raw(#"{"kind":"segment_decoded","prompt":"#)
          o.int(g)
          o.raw(#","node":"#)
          o.int(id)
          o.raw(#","tokenIds":"#)
          o.ints(node.tokens, of: ints)
          o.raw(#","text":"#)
          text(node.text, buffer, o)
          o.raw(#","logprobs":[],"entropies":[]}"#)
          o.raw("\n")
          counters.decodedTokens += node.tokens.count
        }
        if node.reason == .fallback, node.parent >= 0 {
          let cut = node.parent
          o.raw(#"{"kind":"fallback","prompt":"#)
          o.int(g)
          o.raw(#","sourceLeaf":"#)
          o.int(firstLeaf(below: cut, in: tree, avoiding: id) ?? cut)
          o.raw(#","cutNode":"#)
          o.int(cut)
          o.raw(#","cutDepth":"#)
          o.int(tree.nodes[cut].depth)
          o.raw("}\n")
          counters.fallbacks += 1
        }
        maxDepth = max(maxDepth, node.depth)
      }
      for (id, node) in tree.nodes.enumerated() {
        guard let s = node.sample else { continue }
        let sample = samples[s]
        o.raw(#"{"kind":"node_ended","prompt":"#)
        o.int(g)
        o.raw(#","node":"#)
        o.int(id)
        o.raw(#","outcome":"finished","reason":"imported""#)
        if let score = sample.score {
          o.raw(#","reward":"#)
          o.float(score)
        }
        o.raw("}\n")
        counters.finished += 1
        counters.flatEquivalentTokens += sample.responseIds?.count ?? 0
        if let a = sample.advantage { advantages.append((g, id, a)) }
        if let score = sample.score { scores.append(Double(score)) }
      }
    }
    counters.sharedPrefixTokens = counters.flatEquivalentTokens - counters.decodedTokens
    roundFinished(maxDepth, counters, o)
    if !advantages.isEmpty {
      o.raw(#"{"kind":"advantages_assigned","estimator":"#)
      o.string(source)
      o.raw(#","nodes":["#)
      for (k, a) in advantages.enumerated() {
        o.raw(k == 0 ? #"{"prompt":"# : #",{"prompt":"#)
        o.int(a.group)
        o.raw(#","node":"#)
        o.int(a.node)
        o.raw(#","advantage":"#)
        o.float(a.advantage)
        o.raw("}")
      }
      o.raw("]}\n")
    }
    o.raw(#"{"kind":"train_step","step":"#)
    o.int(step)
    o.raw(#","metrics":{"#)
    if !scores.isEmpty {
      // Sorted keys, as JSONWriter writes a [String: Double].
      o.raw(#""critic/score/max":"#)
      o.double(scores.max()!)
      o.raw(#","critic/score/mean":"#)
      o.double(scores.reduce(0, +) / Double(scores.count))
      o.raw(#","critic/score/min":"#)
      o.double(scores.min()!)
    }
    o.raw("},\"changes\":[]}\n")
  }

  private static func reason(_ r: SpawnReason, _ o: EncodedLines) {
    var name = r.rawValue
    name.withUTF8 { o.string($0) }
  }

  /// A segment's text. Segments end between characters (the builders back off to a boundary), so
  /// the bytes are written as they are; should one ever not, it is repaired as `String(decoding:)`
  /// repairs it (U+FFFD), as the String-based import wrote it.
  private static func text(_ span: Span, _ buffer: StepBuffer, _ o: EncodedLines) {
    let bytes = buffer.bytes(span)
    if span.count == 0 || isWholeUTF8(bytes) {
      o.string(bytes)
    } else {
      o.string(String(decoding: bytes, as: UTF8.self))
    }
  }

  /// Starts at a character and ends after one (the inside of a response is valid UTF-8).
  private static func isWholeUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard b[0] & 0xC0 != 0x80 else { return false }
    // The last lead byte and the length it announces.
    var k = b.count - 1
    while k > 0, b[k] & 0xC0 == 0x80, b.count - k < 4 { k -= 1 }
    let lead = b[k]
    let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0
    return length == b.count - k
  }

  private static func roundFinished(_ round: Int, _ c: RolloutCounters, _ o: EncodedLines) {
    o.raw(#"{"kind":"round_finished","round":"#)
    o.int(round)
    o.raw(#","counters":{"decodedTokens":"#)
    o.int(c.decodedTokens)
    o.raw(#","flatEquivalentTokens":"#)
    o.int(c.flatEquivalentTokens)
    o.raw(#","sharedPrefixTokens":"#)
    o.int(c.sharedPrefixTokens)
    o.raw(#","kvPagesInUse":0,"kvPagesPeak":0,"active":0,"finished":"#)
    o.int(c.finished)
    o.raw(#","stopped":0,"truncated":0,"pruned":0,"fallbacks":"#)
    o.int(c.fallbacks)
    o.raw(#","elapsedSeconds":0.0},"done":true}"#)
    o.raw("\n")
  }

  private static func firstLeaf(below root: Int, in tree: BuiltTree, avoiding: Int) -> Int? {
    var stack = [root]
    while let n = stack.popLast() {
      if tree.nodes[n].sample != nil, n != root { return n }
      for (id, child) in tree.nodes.enumerated() where child.parent == n && id != avoiding {
        stack.append(id)
      }
    }
    return nil
  }
}
