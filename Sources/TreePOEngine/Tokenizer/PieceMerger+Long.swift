// BPE for long pieces (a run of thousands of letters or spaces): the pair-rank scan of
// PieceMerger.merge is quadratic there, so long pieces keep their pairs in a min-heap keyed by
// (rank, position) and their symbols in a linked list, as the tokenizers library does. Both pick
// the lowest rank, leftmost first, so they give the same ids (a test runs every fixture string
// through this path).

extension PieceMerger {
  /// Symbols are `n` single bytes already in `symbols`; appends the merged ids.
  mutating func mergeLong(_ n: Int, into out: inout [Int32]) {
    var next = [Int32](unsafeUninitializedCapacity: n) { b, c in
      for k in 0..<n { b[k] = k + 1 < n ? Int32(k + 1) : -1 }
      c = n
    }
    var prev = [Int32](unsafeUninitializedCapacity: n) { b, c in
      for k in 0..<n { b[k] = Int32(k - 1) }
      c = n
    }
    var alive = [Bool](repeating: true, count: n)
    var heap = MinHeap()
    heap.reserve(n)
    for k in 0..<(n - 1) {
      let v = pairs.find(symbols[k], symbols[k + 1])
      if v != .max { heap.push((v & 0xFFFF_FFFF_0000_0000) | UInt64(k)) }
    }
    while let top = heap.pop() {
      let rank = top >> 32
      let at = Int(top & 0xFFFF_FFFF)
      let right = Int(next[at])
      guard alive[at], right >= 0 else { continue }
      let v = pairs.find(symbols[at], symbols[right])
      guard v != .max, v >> 32 == rank else { continue }  // stale: a neighbour merged first
      symbols[at] = Int32(truncatingIfNeeded: v & 0xFFFF_FFFF)
      alive[right] = false
      next[at] = next[right]
      if next[at] >= 0 { prev[Int(next[at])] = Int32(at) }
      let before = Int(prev[at])
      if before >= 0 {
        let w = pairs.find(symbols[before], symbols[at])
        if w != .max { heap.push((w & 0xFFFF_FFFF_0000_0000) | UInt64(before)) }
      }
      if next[at] >= 0 {
        let w = pairs.find(symbols[at], symbols[Int(next[at])])
        if w != .max { heap.push((w & 0xFFFF_FFFF_0000_0000) | UInt64(at)) }
      }
    }
    var k = 0
    while k >= 0 {
      out.append(symbols[k])
      k = Int(next[k])
    }
  }
}

/// A binary min-heap of UInt64 keys.
struct MinHeap {
  private var items: [UInt64] = []

  mutating func reserve(_ n: Int) { items.reserveCapacity(n) }

  mutating func push(_ x: UInt64) {
    items.append(x)
    var i = items.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      if items[parent] <= x { break }
      items[i] = items[parent]
      i = parent
    }
    items[i] = x
  }

  mutating func pop() -> UInt64? {
    guard let last = items.popLast() else { return nil }
    guard !items.isEmpty else { return last }
    let top = items[0]
    var i = 0
    let n = items.count
    while true {
      let l = 2 * i + 1
      if l >= n { break }
      let c = l + 1 < n && items[l + 1] < items[l] ? l + 1 : l
      if items[c] >= last { break }
      items[i] = items[c]
      i = c
    }
    items[i] = last
    return top
  }
}
