// Encoding: added tokens split the text (leftmost, longest first, as the tokenizers library
// matches them); each stretch between them is pre-tokenized and every piece merged by BPE.

import Foundation

/// Added tokens grouped by first byte, longest first within each group.
struct AddedTokenMatcher: Sendable {
  let byFirstByte: [[(bytes: [UInt8], id: Int32)]]
  let isEmpty: Bool

  init(_ tokens: [([UInt8], Int32)]) {
    var groups = [[(bytes: [UInt8], id: Int32)]](repeating: [], count: 256)
    for (bytes, id) in tokens where !bytes.isEmpty { groups[Int(bytes[0])].append((bytes, id)) }
    byFirstByte = groups.map { $0.sorted { $0.bytes.count > $1.bytes.count } }
    isEmpty = tokens.isEmpty
  }

  /// The added token starting at `i`, if any: (id, end).
  @inline(__always)
  func match(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (Int32, Int)? {
    let group = byFirstByte[Int(p[i])]
    if group.isEmpty { return nil }
    for (bytes, id) in group where bytes.count <= end - i {
      if bytes.withUnsafeBufferPointer({ sameBytes($0.baseAddress!, p + i, $0.count) }) {
        return (id, i + bytes.count)
      }
    }
    return nil
  }
}

extension BPETokenizer {
  public func encode(_ text: String) throws(TokenizerError) -> [Int] {
    try encode(text, addingBOS: false)
  }

  /// Encodes a raw prompt; `addingBOS` puts the model's BOS first when it has one.
  public func encode(_ text: String, addingBOS: Bool) throws(TokenizerError) -> [Int] {
    var out: [Int32] = []
    out.reserveCapacity(text.utf8.count / 3 + 1)
    if addingBOS, let bosId { out.append(Int32(bosId)) }
    var bytes = Array(text.utf8)
    let count = bytes.count
    var missingByte: UInt8?
    bytes.withUnsafeMutableBufferPointer { buffer in
      guard let p = buffer.baseAddress else { return }
      var start = 0
      var i = 0
      while i < count {
        if !added.isEmpty, let (id, end) = added.match(p, i, count) {
          if start < i { missingByte = missingByte ?? encodeStretch(p + start, i - start, &out) }
          out.append(id)
          i = end
          start = end
        } else {
          i += 1
        }
      }
      if start < count {
        missingByte = missingByte ?? encodeStretch(p + start, count - start, &out)
      }
    }
    if let b = missingByte {
      throw .invalid(
        "the byte 0x\(String(b, radix: 16, uppercase: true)) has no token in this vocabulary")
    }
    return out.map(Int.init)
  }

  /// Text between added tokens; returns a byte the vocabulary lacks, if one was met.
  private func encodeStretch(_ p: UnsafePointer<UInt8>, _ n: Int, _ out: inout [Int32]) -> UInt8? {
    if normalizesNFC && (0..<n).contains(where: { p[$0] >= 0xCC }) {
      // Only scalars ≥ U+0300 (lead bytes ≥ 0xCC) can compose or decompose.
      let text = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
      var normalized = Array(text.precomposedStringWithCanonicalMapping.utf8)
      return normalized.withUnsafeMutableBufferPointer { q in
        encodePieces(q.baseAddress!, q.count, &out)
      }
    }
    return encodePieces(p, n, &out)
  }

  private func encodePieces(_ p: UnsafePointer<UInt8>, _ n: Int, _ out: inout [Int32]) -> UInt8? {
    var missing: UInt8?
    ScalarClass.bmp.withUnsafeBufferPointer { bmp in
      merges.keys.withUnsafeBufferPointer { keys in
        merges.values.withUnsafeBufferPointer { values in
          tokenStorage.withUnsafeBufferPointer { storage in
            tokenOffsets.withUnsafeBufferPointer { offsets in
              byteIds.withUnsafeBufferPointer { byteIds in
                let slots = wholeTokens?.slots ?? [-1]
                slots.withUnsafeBufferPointer { slots in
                  var merger = PieceMerger(
                    pairs: PairLookup(
                      keys: keys.baseAddress!, values: values.baseAddress!, mask: keys.count - 1,
                      shift: merges.shift),
                    whole: wholeTokens.map {
                      BytesLookup(
                        slots: slots.baseAddress!, mask: slots.count - 1, shift: $0.shift,
                        storage: storage.baseAddress!, offsets: offsets.baseAddress!)
                    },
                    byteIds: byteIds.baseAddress!, longPiece: longPieceBytes)
                  let scanner = PieceScanner(p: p, bmp: bmp.baseAddress!)
                  scanner.pieces(preTokenizer, 0, n) { s, e in
                    if let b = merger.merge(p + s, e - s, into: &out) { missing = missing ?? b }
                  }
                  merger.deallocate()
                }
              }
            }
          }
        }
      }
    }
    return missing
  }
}

/// BPE inside one piece: start from single bytes and repeatedly apply the lowest-ranked merge
/// (leftmost among equals), keeping each adjacent pair's rank so a merge updates only its
/// neighbours. Scratch buffers are reused across the pieces of one call.
struct PieceMerger {
  let pairs: PairLookup
  let whole: BytesLookup?
  let byteIds: UnsafePointer<Int32>
  /// Pieces of at least this many bytes take the heap path (PieceMerger+Long).
  let longPiece: Int
  var capacity = 64
  var symbols = UnsafeMutablePointer<Int32>.allocate(capacity: 64)
  var ranks = UnsafeMutablePointer<UInt64>.allocate(capacity: 64)

  init(pairs: PairLookup, whole: BytesLookup?, byteIds: UnsafePointer<Int32>, longPiece: Int) {
    self.pairs = pairs
    self.whole = whole
    self.byteIds = byteIds
    self.longPiece = longPiece
  }

  func deallocate() {
    symbols.deallocate()
    ranks.deallocate()
  }

  /// Appends the ids of the piece; returns a byte without a token, if any.
  mutating func merge(_ p: UnsafePointer<UInt8>, _ n: Int, into out: inout [Int32]) -> UInt8? {
    if let whole, n > 1 {
      let id = whole.find(p, n)
      if id >= 0 {
        out.append(id)
        return nil
      }
    }
    if n > capacity {
      deallocate()
      capacity = n
      symbols = .allocate(capacity: n)
      ranks = .allocate(capacity: n)
    }
    for k in 0..<n {
      let id = byteIds[Int(p[k])]
      if id < 0 { return p[k] }
      symbols[k] = id
    }
    if n >= longPiece && n > 1 {
      mergeLong(n, into: &out)
      return nil
    }
    var m = n
    for k in 0..<(m - 1) { ranks[k] = pairs.find(symbols[k], symbols[k + 1]) }
    while m > 1 {
      var best = UInt64.max
      var at = -1
      for k in 0..<(m - 1) where ranks[k] < best {
        best = ranks[k]
        at = k
      }
      if at < 0 { break }
      symbols[at] = Int32(truncatingIfNeeded: best & 0xFFFF_FFFF)
      // Remove symbol at+1 and the pair that started there.
      if at + 2 < m {
        (symbols + at + 1).update(from: symbols + at + 2, count: m - at - 2)
        (ranks + at + 1).update(from: ranks + at + 2, count: m - at - 2)
      }
      m -= 1
      if at > 0 { ranks[at - 1] = pairs.find(symbols[at - 1], symbols[at]) }
      if at + 1 < m { ranks[at] = pairs.find(symbols[at], symbols[at + 1]) }
    }
    for k in 0..<m { out.append(symbols[k]) }
    return nil
  }
}
