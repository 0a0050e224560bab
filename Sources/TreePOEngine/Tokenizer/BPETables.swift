// Open-addressing hash tables for the BPE hot loop: a merge lookup is one multiply and usually
// one probe, where a Dictionary would hash with SipHash and check exclusivity on every access.

/// (left id, right id) → (rank, merged id); ranks are merge-list positions, lower merges first.
struct PairTable: Sendable {
  static let empty = UInt64.max
  private(set) var keys: [UInt64]
  private(set) var values: [UInt64]
  let shift: UInt64

  init(capacityFor count: Int) {
    var bits = 4
    while (1 << bits) < count * 2 { bits += 1 }
    keys = [UInt64](repeating: Self.empty, count: 1 << bits)
    values = [UInt64](repeating: 0, count: 1 << bits)
    shift = UInt64(64 - bits)
  }

  @inline(__always) static func key(_ a: Int32, _ b: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: a)) << 32 | UInt64(UInt32(bitPattern: b))
  }

  @inline(__always) static func slot(_ key: UInt64, _ shift: UInt64) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// Keeps the first (lowest-rank) entry of a repeated pair, as the tokenizers library does.
  mutating func insert(_ a: Int32, _ b: Int32, rank: Int32, merged: Int32) {
    let k = Self.key(a, b)
    let mask = keys.count - 1
    var s = Self.slot(k, shift)
    while keys[s] != Self.empty {
      if keys[s] == k { return }
      s = (s + 1) & mask
    }
    keys[s] = k
    values[s] = UInt64(UInt32(bitPattern: rank)) << 32 | UInt64(UInt32(bitPattern: merged))
  }
}

/// A borrowed view of a PairTable for the duration of one encode call.
struct PairLookup {
  let keys: UnsafePointer<UInt64>
  let values: UnsafePointer<UInt64>
  let mask: Int
  let shift: UInt64

  /// rank << 32 | merged id, or UInt64.max when the pair does not merge.
  @inline(__always) func find(_ a: Int32, _ b: Int32) -> UInt64 {
    let k = PairTable.key(a, b)
    var s = PairTable.slot(k, shift)
    while true {
      let stored = keys[s]
      if stored == k { return values[s] }
      if stored == PairTable.empty { return .max }
      s = (s + 1) & mask
    }
  }
}

/// Byte strings → ids, for Llama 3's whole-piece lookup (ignore_merges); keys are the tokens'
/// decoded bytes, stored once in the tokenizer.
struct BytesTable: Sendable {
  private(set) var slots: [Int32]
  let shift: UInt64

  init(capacityFor count: Int) {
    var bits = 4
    while (1 << bits) < count * 2 { bits += 1 }
    slots = [Int32](repeating: -1, count: 1 << bits)
    shift = UInt64(64 - bits)
  }

  @inline(__always) static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for i in 0..<n { h = (h ^ UInt64(p[i])) &* 0x0000_0100_0000_01B3 }
    return h
  }

  /// `bytesOf(id)` gives the stored bytes of an id already in the table.
  mutating func insert(
    _ id: Int32, _ p: UnsafePointer<UInt8>, _ n: Int,
    bytesOf: (Int32) -> UnsafeBufferPointer<UInt8>
  ) {
    let mask = slots.count - 1
    var s = Int(truncatingIfNeeded: (Self.hash(p, n) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    while slots[s] >= 0 {
      let other = bytesOf(slots[s])
      if other.count == n && sameBytes(other.baseAddress!, p, n) { return }
      s = (s + 1) & mask
    }
    slots[s] = id
  }
}

@inline(__always) func sameBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int)
  -> Bool
{
  for i in 0..<n where a[i] != b[i] { return false }
  return true
}

/// A borrowed view of a BytesTable.
struct BytesLookup {
  let slots: UnsafePointer<Int32>
  let mask: Int
  let shift: UInt64
  let storage: UnsafePointer<UInt8>
  let offsets: UnsafePointer<Int32>

  @inline(__always) func find(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
    var s = Int(truncatingIfNeeded: (BytesTable.hash(p, n) &* 0x9E37_79B9_7F4A_7C15) >> shift)
    while true {
      let id = slots[s]
      if id < 0 { return -1 }
      let start = Int(offsets[Int(id)])
      if Int(offsets[Int(id) + 1]) - start == n && sameBytes(storage + start, p, n) { return id }
      s = (s + 1) & mask
    }
  }
}
