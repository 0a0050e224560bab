import Testing
import TreePOEngine

// The decoder against the naive reference (DecoderReferenceTests.swift): prefill, step by step,
// batched, forked with copy-on-write, split into pieces; and its errors.
@Suite struct DecoderTests {
  let model = tinyDecoderModel()
  var reference: ReferenceLlama { ReferenceLlama(model: model) }
  let tolerance = 1e-4

  /// Pages of 4 positions so that prompts end mid-page and forks share a partial page.
  func session(pages: Int = 64, maxBatch: Int = 8, maxRows: Int? = nil) -> DecoderSession {
    DecoderSession(
      model: model, cache: KVCache(config: model.config, pageSize: 4, capacity: pages),
      maxBatch: maxBatch, maxRows: maxRows)
  }

  @Test func prefillThenStepsEqualAFullRecompute() throws {
    let decoder = session()
    let tokens = [1, 5, 7, 2, 11, 3, 3, 0, 12, 6, 9, 4, 8, 10]
    let expected = reference.logits(tokens)
    let seq = decoder.cache.newSequence()
    let first = try decoder.prefill(seq, tokens: Array(tokens[..<6]))
    #expect(relativeError(first, expected[5]) <= tolerance)
    for t in 6..<tokens.count {
      let logits = try decoder.step([seq], tokens: [tokens[t]])
      let error = relativeError(logits[0], expected[t])
      #expect(error <= tolerance, "position \(t): relative error \(error)")
    }
    #expect(try decoder.cache.length(of: seq) == tokens.count)
  }

  @Test func batchedSequencesAtDifferentPositionsMatchTheirOwnRecompute() throws {
    let decoder = session()
    let inputs = [[1, 2, 3, 4, 5, 6, 7, 8, 9], [12, 0, 4], [7, 7, 7, 1, 2, 5]]
    let prompts = [[1, 2, 3, 4, 5], [12], [7, 7, 7]]
    let expected = inputs.map { reference.logits($0) }
    let seqs = prompts.map { _ in decoder.cache.newSequence() }
    let first = try decoder.prefill(seqs, prompts: prompts)
    for b in 0..<3 {
      #expect(relativeError(first[b], expected[b][prompts[b].count - 1]) <= tolerance)
    }
    // Step all three together until the shortest input ends.
    for k in 0..<2 {
      let logits = try decoder.step(seqs, tokens: (0..<3).map { inputs[$0][prompts[$0].count + k] })
      for b in 0..<3 {
        let t = prompts[b].count + k
        #expect(
          relativeError(logits[b], expected[b][t]) <= tolerance, "sequence \(b) position \(t)")
      }
    }
  }

  @Test(arguments: [(1, 64), (2, 64), (2, 0), (3, 1)])
  func threadsAndKernelsGiveTheSameLogits(_ setting: (threads: Int, skinnyRowLimit: Int)) throws {
    let decoder = session()
    decoder.threads = setting.threads
    decoder.skinnyRowLimit = setting.skinnyRowLimit
    let prompts = [[1, 2, 3, 4, 5, 6, 7], [9, 8], [4, 4, 4, 4, 4]]
    let seqs = prompts.map { _ in decoder.cache.newSequence() }
    let first = try decoder.prefill(seqs, prompts: prompts)
    for b in 0..<3 {
      let expected = reference.logits(prompts[b])
      #expect(relativeError(first[b], expected[prompts[b].count - 1]) <= tolerance)
    }
    let next = try decoder.step(seqs, tokens: [0, 1, 2])
    for b in 0..<3 {
      let expected = reference.logits(prompts[b] + [b])
      #expect(relativeError(next[b], expected[prompts[b].count]) <= tolerance)
    }
  }

  @Test func forkedSequencesEqualARecomputeAndLeaveTheParentUnchanged() throws {
    let decoder = session()
    let prompt = [3, 1, 4, 1, 5, 9]  // ends mid-page: the last page is shared and partial
    let parent = decoder.cache.newSequence()
    _ = try decoder.prefill(parent, tokens: prompt)
    let child = try decoder.cache.fork(parent)
    let pagesBefore = decoder.cache.pagesInUse
    // The child writes first, into the shared partial page (copy-on-write), then both continue.
    let c1 = try decoder.step([child], tokens: [2])
    #expect(relativeError(c1[0], reference.logits(prompt + [2])[6]) <= tolerance)
    #expect(decoder.cache.pagesInUse == pagesBefore + 1)
    let both = try decoder.step([parent, child], tokens: [6, 7])
    #expect(relativeError(both[0], reference.logits(prompt + [6])[6]) <= tolerance)
    #expect(relativeError(both[1], reference.logits(prompt + [2, 7])[7]) <= tolerance)
    // A fork of a prefix (a cut back to a segment boundary) continues from there.
    let cut = try decoder.cache.fork(parent, keepingFirst: 3)
    let c2 = try decoder.step([cut], tokens: [0])
    #expect(relativeError(c2[0], reference.logits([3, 1, 4, 0])[3]) <= tolerance)
    let p2 = try decoder.step([parent], tokens: [8])
    #expect(relativeError(p2[0], reference.logits(prompt + [6, 8])[7]) <= tolerance)
  }

  @Test func callsLargerThanMaxRowsAreSplitWithoutChangingTheResult() throws {
    let decoder = session(maxRows: 4)
    let prompts = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [11, 12], [0, 1, 2]]
    let seqs = prompts.map { _ in decoder.cache.newSequence() }
    let logits = try decoder.prefill(seqs, prompts: prompts)
    for b in 0..<3 {
      let expected = reference.logits(prompts[b])
      #expect(relativeError(logits[b], expected[prompts[b].count - 1]) <= tolerance)
    }
  }

  @Test func tiedEmbeddingsDecodeThroughTheEmbeddingTable() throws {
    let tied = tinyDecoderModel(tied: true)
    let decoder = DecoderSession(model: tied, pages: 8, pageSize: 4, maxBatch: 2)
    let seq = decoder.cache.newSequence()
    let logits = try decoder.prefill(seq, tokens: [4, 5, 6])
    #expect(relativeError(logits, ReferenceLlama(model: tied).logits([4, 5, 6])[2]) <= tolerance)
  }

  @Test func weightUpdatesAreSeenByTheNextCall() throws {
    let decoder = session()
    let seq = decoder.cache.newSequence()
    let before = Array(try decoder.prefill(seq, tokens: [1, 2]))
    model.tensor(named: "lm_head.weight")!.update(repeating: 0, count: 13 * 16)
    let after = try decoder.step([seq], tokens: [3])
    #expect(before.contains { $0 != 0 })
    #expect(after[0].allSatisfy { $0 == 0 })
  }

  @Test func badInputIsOneClearSentenceAndChangesNothing() throws {
    let decoder = session(pages: 3, maxBatch: 2)
    let a = decoder.cache.newSequence()
    let b = decoder.cache.newSequence()
    _ = try decoder.prefill(a, tokens: [1, 2])
    func message(_ body: () throws -> Void) -> String? {
      do { try body() } catch { return "\(error)" }
      return nil
    }
    #expect(
      message { _ = try decoder.step([a, b], tokens: [1, 13]) }
        == "token id 13 at index 0 of input 1 is outside the vocabulary 0..<13")
    #expect(
      message { _ = try decoder.prefill(b, tokens: Array(repeating: 1, count: 41)) }
        == "\(b) would grow to 41 positions, beyond the model's max_position_embeddings 40")
    #expect(
      message { _ = try decoder.step([a, b, a], tokens: [1, 1, 1]) }
        == "a decoder call got 3 sequences but this decoder holds at most 2")
    #expect(message { _ = try decoder.prefill(b, tokens: []) } == "prompt 0 for \(b) is empty")
    #expect(
      message { _ = try decoder.step([a, a], tokens: [1, 1]) } == "\(a) appears twice in one append"
    )
    #expect(
      message { _ = try decoder.prefill(b, tokens: Array(repeating: 1, count: 12)) }
        == "the KV cache is out of pages: 3 more needed, 2 of 3 free (4 positions each); "
        + "raise its capacity or free finished sequences")
    #expect(try decoder.cache.length(of: a) == 2 && decoder.cache.length(of: b) == 0)
    // Still usable and still right after all those refusals.
    let logits = try decoder.step([a], tokens: [3])
    #expect(relativeError(logits[0], reference.logits([1, 2, 3])[2]) <= tolerance)
  }
}
