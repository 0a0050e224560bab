// Sequence life cycle: create, fork (share pages), append (copy-on-write), truncate, free.

extension KVCache {
  /// A new, empty sequence. Holds no pages until something is appended.
  public func newSequence() -> SequenceID {
    let state = SequenceState(pages: [], length: 0)
    if let slot = freeSlots.popLast() {
      sequences[Int(slot)] = state
      return SequenceID(slot: slot, generation: generations[Int(slot)])
    }
    sequences.append(state)
    generations.append(0)
    return SequenceID(slot: Int32(sequences.count - 1), generation: 0)
  }

  /// A new sequence sharing the first `length` positions of `parent` (all of them by default).
  /// No key or value is copied: the child holds references to the parent's pages, and whichever of
  /// the two later appends into a shared, partially filled page copies it first.
  public func fork(_ parent: SequenceID, keepingFirst length: Int? = nil) throws(KVCacheError)
    -> SequenceID
  {
    let state = try self.state(parent)
    let keep = length ?? state.length
    guard keep >= 0 && keep <= state.length else {
      throw KVCacheError(
        "cannot fork the first \(keep) positions of \(parent): it holds \(state.length)")
    }
    let pages = Array(state.pages.prefix(self.pages(forPositions: keep)))
    for page in pages { refcounts[Int(page)] += 1 }
    let child = newSequence()
    sequences[Int(child.slot)] = SequenceState(pages: pages, length: keep)
    return child
  }

  /// Releases `seq`'s pages (those no other sequence holds go back to the pool) and retires the
  /// handle. Freeing a stale or unknown handle is a programming error.
  public func free(_ seq: SequenceID) {
    guard let state = try? self.state(seq) else {
      preconditionFailure("free of \(seq), which is not a live sequence")
    }
    release(state.pages)
    let slot = Int(seq.slot)
    sequences[slot] = nil
    generations[slot] &+= 1
    freeSlots.append(seq.slot)
  }

  /// Drops positions from `length` on; pages no longer needed are released.
  public func truncate(_ seq: SequenceID, to length: Int) throws(KVCacheError) {
    var state = try self.state(seq)
    guard length >= 0 && length <= state.length else {
      throw KVCacheError("cannot truncate \(seq) to \(length) positions: it holds \(state.length)")
    }
    let keep = pages(forPositions: length)
    release(state.pages[keep...])
    state.pages.removeLast(state.pages.count - keep)
    state.length = length
    sequences[Int(seq.slot)] = state
  }

  /// Number of positions `seq` holds.
  public func length(of seq: SequenceID) throws(KVCacheError) -> Int { try state(seq).length }

  /// Whether `seq` is a live handle.
  public func contains(_ seq: SequenceID) -> Bool { (try? state(seq)) != nil }

  /// Pages that appending `count` positions to `seq` would take from the pool (new pages plus a
  /// copy of a shared partial last page).
  public func pagesNeeded(toAppend count: Int, to seq: SequenceID) throws(KVCacheError) -> Int {
    let state = try self.state(seq)
    return pagesNeeded(state, count)
  }

  /// Appends `counts[i]` positions to `seqs[i]` for every i, or throws without changing anything
  /// when the pool cannot hold them all. Afterwards the new positions are writable through
  /// `keys(_:layer:position:)` / `values(_:layer:position:)`; their contents are undefined until
  /// written. The sequences must be distinct.
  public func append(_ seqs: [SequenceID], counts: [Int]) throws(KVCacheError) {
    precondition(seqs.count == counts.count, "one count per sequence")
    // Duplicates are found in O(B) by stamping each slot with this call's epoch.
    appendEpoch &+= 1
    if slotMarks.count < sequences.count {
      slotMarks.append(contentsOf: repeatElement(0, count: sequences.count - slotMarks.count))
    }
    var needed = 0
    for (i, seq) in seqs.enumerated() {
      let state = try self.state(seq)
      guard counts[i] >= 0 else { throw KVCacheError("cannot append \(counts[i]) positions") }
      guard slotMarks[Int(seq.slot)] != appendEpoch else {
        throw KVCacheError("\(seq) appears twice in one append")
      }
      slotMarks[Int(seq.slot)] = appendEpoch
      needed += pagesNeeded(state, counts[i])
    }
    guard needed <= freePages.count else {
      throw KVCacheError(
        "the KV cache is out of pages: \(needed) more needed, \(freePages.count) of \(capacity) "
          + "free (\(pageSize) positions each); raise its capacity or free finished sequences")
    }
    for (i, seq) in seqs.enumerated() { appendUnchecked(seq, counts[i]) }
  }

  /// Appends `count` positions to one sequence (see `append(_:counts:)`).
  public func append(_ seq: SequenceID, count: Int) throws(KVCacheError) {
    try append([seq], counts: [count])
  }

  // MARK: - internals

  func state(_ seq: SequenceID) throws(KVCacheError) -> SequenceState {
    let slot = Int(seq.slot)
    guard slot >= 0 && slot < sequences.count, generations[slot] == seq.generation,
      let state = sequences[slot]
    else { throw KVCacheError("\(seq) is not a live sequence of this KV cache (freed or foreign)") }
    return state
  }

  func pagesNeeded(_ state: SequenceState, _ count: Int) -> Int {
    guard count > 0 else { return 0 }
    let fresh = pages(forPositions: state.length + count) - state.pages.count
    let copy = state.length % pageSize != 0 && refcounts[Int(state.pages.last!)] > 1 ? 1 : 0
    return fresh + copy
  }

  private func appendUnchecked(_ seq: SequenceID, _ count: Int) {
    guard count > 0 else { return }
    let slot = Int(seq.slot)
    var state = sequences[slot]!
    sequences[slot] = nil  // keep `state.pages` uniquely referenced while it grows
    if state.length % pageSize != 0, let last = state.pages.last, refcounts[Int(last)] > 1 {
      // Copy-on-write: the partial last page is shared, so this sequence gets its own copy.
      let copy = takePage()
      storage.at(Int(copy) * pageStride).update(
        from: storage.at(Int(last) * pageStride), count: pageStride)
      refcounts[Int(last)] -= 1
      state.pages[state.pages.count - 1] = copy
    }
    state.length += count
    while state.pages.count < pages(forPositions: state.length) { state.pages.append(takePage()) }
    sequences[slot] = state
  }

  private func takePage() -> Int32 {
    let page = freePages.removeLast()
    refcounts[Int(page)] = 1
    peakPagesInUse = max(peakPagesInUse, pagesInUse)
    return page
  }

  private func release<C: Collection<Int32>>(_ pages: C) {
    for page in pages {
      refcounts[Int(page)] -= 1
      if refcounts[Int(page)] == 0 { freePages.append(page) }
    }
  }
}
