// A group's responses as the tree builders read them: spans of the step buffer (UTF-8 text) and of
// its ints (token ids), compared in place, a word at a time for text.

struct GroupResponses {
  let buffer: StepBuffer
  /// Per sample of the group: its response's bytes.
  let text: [Span]
  /// Per sample: its response ids, when every sample of the group has them (else empty).
  let ids: [Span]
  let hasIds: Bool
  var count: Int { text.count }

  init(_ group: [Sample], _ buffer: StepBuffer) {
    self.buffer = buffer
    text = group.map(\.response)
    hasIds = group.allSatisfy { $0.responseIds != nil }
    ids = hasIds ? group.map { $0.responseIds! } : []
  }

  /// Byte `i` of sample `s`'s response (`i < text[s].count`).
  func byte(_ s: Int, _ i: Int) -> UInt8 { buffer.base[text[s].start + i] }

  /// Token `i` of sample `s`'s ids.
  func id(_ s: Int, _ i: Int) -> Int { buffer.ints[ids[s].start + i] }

  /// The end of the longest run of text, from `start`, that all `members` share.
  func commonTextEnd(_ members: [Int], from start: Int) -> Int {
    guard let first = members.first else { return start }
    var end = text[first].count
    let a = UnsafePointer(buffer.base + text[first].start)
    for other in members.dropFirst() {
      let b = UnsafePointer(buffer.base + text[other].start)
      // i + 8 <= limit <= both counts: every word read lies inside both responses.
      var i = start
      let limit = min(end, text[other].count)
      while i + 8 <= limit, word(a + i) == word(b + i) { i += 8 }
      while i < limit, a[i] == b[i] { i += 1 }
      end = i
    }
    return max(end, start)
  }

  /// The end of the longest run of token ids, from `start`, that all `members` share.
  func commonIdEnd(_ members: [Int], from start: Int) -> Int {
    guard let first = members.first else { return start }
    var end = ids[first].count
    buffer.ints.withUnsafeBufferPointer { ints in
      let a = ids[first].start
      for other in members.dropFirst() {
        let b = ids[other].start
        var i = start
        let limit = min(end, ids[other].count)
        while i < limit, ints[a + i] == ints[b + i] { i += 1 }
        end = i
      }
    }
    return max(end, start)
  }

  private func word(_ p: UnsafePointer<UInt8>) -> UInt64 {
    UnsafeRawPointer(p).loadUnaligned(as: UInt64.self)
  }
}
