import Testing
import TreePOEngine

// Page accounting and copy-on-write of the paged KV cache, on a tiny pool (4 positions a page).
@Suite struct KVCacheTests {
  let cache = KVCache(numLayers: 2, kvDim: 3, pageSize: 4, capacity: 6)

  /// Writes a recognisable value into every float of `position` (both layers, keys and values).
  func stamp(_ seq: SequenceID, _ position: Int, _ value: Float) {
    for layer in 0..<2 {
      cache.keys(seq, layer: layer, position: position).update(repeating: value, count: 3)
      cache.values(seq, layer: layer, position: position).update(repeating: -value, count: 3)
    }
  }

  func read(_ seq: SequenceID, _ position: Int) -> [Float] {
    (0..<2).flatMap { layer in
      Array(UnsafeBufferPointer(start: cache.keys(seq, layer: layer, position: position), count: 3))
        + Array(
          UnsafeBufferPointer(start: cache.values(seq, layer: layer, position: position), count: 3))
    }
  }

  @Test func appendTakesPagesAsPositionsGrow() throws {
    let a = cache.newSequence()
    #expect(cache.pagesInUse == 0)
    try cache.append(a, count: 1)
    #expect(cache.pagesInUse == 1)
    try cache.append(a, count: 3)
    #expect(cache.pagesInUse == 1)
    try cache.append(a, count: 1)
    #expect(cache.pagesInUse == 2)
    #expect(try cache.length(of: a) == 5)
    #expect(try cache.pageTable(of: a) == [0, 1])
  }

  @Test func forkSharesEveryPageAndFreeReturnsThemOnlyAtZero() throws {
    let a = cache.newSequence()
    try cache.append(a, count: 6)  // pages 0 (full) and 1 (half)
    let b = try cache.fork(a)
    #expect(cache.pagesInUse == 2)
    #expect(try cache.pageTable(of: b) == cache.pageTable(of: a))
    #expect(cache.referenceCount(ofPage: 0) == 2 && cache.referenceCount(ofPage: 1) == 2)
    cache.free(a)
    #expect(cache.pagesInUse == 2)
    #expect(cache.referenceCount(ofPage: 0) == 1)
    cache.free(b)
    #expect(cache.pagesInUse == 0 && cache.freePageCount == 6)
    #expect(cache.peakPagesInUse == 2)
    #expect(!cache.contains(a) && !cache.contains(b))
  }

  @Test func appendingToASharedPartialPageCopiesItFirst() throws {
    let parent = cache.newSequence()
    try cache.append(parent, count: 6)
    for p in 0..<6 { stamp(parent, p, Float(p + 1)) }
    let child = try cache.fork(parent)
    try cache.append(child, count: 1)
    stamp(child, 6, 100)
    // The full page stays shared; the partial one was copied for the child.
    let parentPages = try cache.pageTable(of: parent)
    let childPages = try cache.pageTable(of: child)
    #expect(childPages[0] == parentPages[0])
    #expect(childPages[1] != parentPages[1])
    #expect(cache.referenceCount(ofPage: parentPages[1]) == 1)
    // The child sees the parent's positions; the parent is untouched by the child's write.
    for p in 0..<6 { #expect(read(child, p) == read(parent, p)) }
    #expect(
      read(child, 6) == [100, 100, 100, -100, -100, -100] + [100, 100, 100, -100, -100, -100])
    try cache.append(parent, count: 1)
    stamp(parent, 6, 7)
    #expect(read(child, 6)[0] == 100)
    #expect(read(parent, 6)[0] == 7)
    // The parent now owns its page alone: no second copy was made.
    #expect(try cache.pageTable(of: parent)[1] == parentPages[1])
    #expect(cache.pagesInUse == 3)
  }

  @Test func forkOfAPrefixSharesOnlyThePagesCoveringIt() throws {
    let a = cache.newSequence()
    try cache.append(a, count: 9)  // pages 0, 1, 2
    for p in 0..<9 { stamp(a, p, Float(p)) }
    let b = try cache.fork(a, keepingFirst: 5)
    #expect(try cache.length(of: b) == 5)
    #expect(try cache.pageTable(of: b) == [0, 1])
    #expect(cache.referenceCount(ofPage: 2) == 1)
    // Position 5 belongs to a shared page that `a` has filled further: writing copies it.
    try cache.append(b, count: 1)
    stamp(b, 5, 50)
    #expect(read(a, 5)[0] == 5)
    #expect(read(b, 4)[0] == 4)
    #expect(throws: KVCacheError.self) { try cache.fork(a, keepingFirst: 10) }
  }

  @Test func truncateReleasesPagesPastTheNewLength() throws {
    let a = cache.newSequence()
    try cache.append(a, count: 9)
    try cache.truncate(a, to: 4)
    #expect(cache.pagesInUse == 1)
    try cache.truncate(a, to: 0)
    #expect(cache.pagesInUse == 0)
    try cache.append(a, count: 2)
    #expect(try cache.length(of: a) == 2)
  }

  @Test func outOfPagesThrowsAClearSentenceAndChangesNothing() throws {
    let a = cache.newSequence()
    let b = cache.newSequence()
    try cache.append(a, count: 16)  // 4 of 6 pages
    #expect(try cache.pagesNeeded(toAppend: 9, to: b) == 3)
    let error = #expect(throws: KVCacheError.self) {
      try cache.append([a, b], counts: [1, 8])  // 1 + 2 pages > 2 free
    }
    #expect(
      error?.description
        == "the KV cache is out of pages: 3 more needed, 2 of 6 free (4 positions each); "
        + "raise its capacity or free finished sequences")
    #expect(try cache.length(of: a) == 16 && cache.length(of: b) == 0)
    #expect(cache.pagesInUse == 4)
    // Exactly filling the pool works.
    try cache.append([a, b], counts: [1, 4])
    #expect(cache.freePageCount == 0 && cache.peakPagesInUse == 6)
  }

  @Test func copyOnWriteCountsTowardTheCapacityCheck() throws {
    let small = KVCache(numLayers: 1, kvDim: 1, pageSize: 4, capacity: 1)
    let a = small.newSequence()
    try small.append(a, count: 2)
    let b = try small.fork(a)
    #expect(try small.pagesNeeded(toAppend: 1, to: b) == 1)
    #expect(throws: KVCacheError.self) { try small.append(b, count: 1) }
    small.free(a)  // now b holds the page alone and may write into it
    try small.append(b, count: 2)
    #expect(small.pagesInUse == 1)
  }

  @Test func aSequenceNamedTwiceInOneAppendIsRejected() throws {
    let a = cache.newSequence()
    let error = #expect(throws: KVCacheError.self) { try cache.append([a, a], counts: [1, 1]) }
    #expect(error?.description == "\(a) appears twice in one append")
    #expect(try cache.length(of: a) == 0)
    try cache.append([a], counts: [1])  // the next call starts afresh
    #expect(try cache.length(of: a) == 1)
  }

  @Test func staleHandlesAreRejectedAfterTheirSlotIsReused() throws {
    let a = cache.newSequence()
    cache.free(a)
    let b = cache.newSequence()
    #expect(a.slot == b.slot && a != b)
    let error = #expect(throws: KVCacheError.self) { try cache.length(of: a) }
    #expect(error?.description.contains("is not a live sequence") == true)
    #expect(try cache.length(of: b) == 0)
  }
}
