// The paged, reference-counted key/value cache that makes prefix sharing free.
//
// Storage is one pool of fixed-size pages. A page holds the keys and values of `pageSize`
// consecutive positions for every layer, laid out [L, 2, pageSize, kvDim] (2 = key, value), so one
// position of one layer is a contiguous kvDim row: the K/V projections' output is copied in as is,
// and head g of that row is the HD floats at g·HD.
//
// A sequence is a page table plus a length. `fork` copies the page table and bumps every page's
// reference count, so children share all of their parent's positions without copying. Writing is
// copy-on-write: appending into a partially filled last page that another sequence also holds copies
// that page first, so the other sequence never sees the write. Full shared pages are never written
// again (positions are only appended), so they stay shared for as long as anyone holds them.
// `free` drops the references; a page returns to the free list when its count reaches zero.
//
// Not thread-safe: one cache belongs to one decoder on one thread.

/// A handle to one sequence in a `KVCache`. Stale handles (used after `free`) are detected.
public struct SequenceID: Hashable, Sendable, CustomStringConvertible {
  public let slot: Int32
  public let generation: Int32
  public var description: String { "sequence \(slot).\(generation)" }
}

public struct KVCacheError: Error, Equatable, CustomStringConvertible, Sendable {
  public let description: String
  public init(_ description: String) { self.description = description }
}

public final class KVCache {
  public let numLayers: Int  // L
  public let kvDim: Int  // NKV·HD
  /// Positions per page.
  public let pageSize: Int
  /// Pages in the pool.
  public let capacity: Int
  /// Floats in one page: L·2·pageSize·kvDim.
  public let pageStride: Int

  let storage: FloatBuffer  // [capacity, L, 2, pageSize, kvDim]
  var refcounts: [Int32]  // [capacity]
  var freePages: [Int32]  // a stack: the most recently freed page is reused first
  var sequences: [SequenceState?]  // by slot
  var generations: [Int32]  // by slot: bumped on free so old handles go stale
  var freeSlots: [Int32]
  var slotMarks: [UInt32] = []  // by slot: the last `append` call that named it
  var appendEpoch: UInt32 = 0

  /// The most pages in use at once since creation or the last `resetPeak()`.
  public internal(set) var peakPagesInUse = 0
  public var pagesInUse: Int { capacity - freePages.count }
  public var freePageCount: Int { freePages.count }
  /// Number of live sequences.
  public var sequenceCount: Int { sequences.count - freeSlots.count }

  struct SequenceState {
    var pages: [Int32]
    var length: Int
  }

  public init(numLayers: Int, kvDim: Int, pageSize: Int = 16, capacity: Int) {
    precondition(numLayers > 0 && kvDim > 0 && pageSize > 0 && capacity > 0, "empty KV cache")
    self.numLayers = numLayers
    self.kvDim = kvDim
    self.pageSize = pageSize
    self.capacity = capacity
    pageStride = numLayers * 2 * pageSize * kvDim
    storage = FloatBuffer(count: capacity * pageStride, zeroed: false)
    refcounts = [Int32](repeating: 0, count: capacity)
    // Reversed so that page 0 is handed out first (easier to read in tests and dumps).
    freePages = (0..<Int32(capacity)).reversed()
    sequences = []
    generations = []
    freeSlots = []
  }

  /// A cache sized for `config`'s layers and key/value width.
  public convenience init(config: ModelConfig, pageSize: Int = 16, capacity: Int) {
    self.init(
      numLayers: config.numLayers, kvDim: config.kvDim, pageSize: pageSize, capacity: capacity)
  }

  /// Starts a new peak measurement from the pages in use now.
  public func resetPeak() { peakPagesInUse = pagesInUse }

  /// Pages needed to hold `positions` positions.
  public func pages(forPositions positions: Int) -> Int { (positions + pageSize - 1) / pageSize }
}
