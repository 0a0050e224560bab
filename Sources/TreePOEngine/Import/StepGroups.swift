// A step's samples by group, in order of first appearance, keyed by the bytes of each sample's
// group key (verl's uid prefix, the flat format's group, else the prompt).
//
// Keys were Swift Strings, which compare by canonical equivalence ("é" precomposed or not, and even
// some non-ASCII characters equal ASCII ones). ASCII keys are equal exactly when their bytes are,
// so a step whose keys are all ASCII (verl's uids) is grouped on bytes; any other step compares
// its distinct keys as Strings, as before.

import Foundation

enum StepGroups {
  /// Sample indices per group.
  static func of(_ samples: [Sample], _ buffer: StepBuffer) -> [[Int]] {
    let ascii = samples.allSatisfy { isASCII(buffer.bytes($0.group)) }
    var groups: [[Int]] = []
    // hash of the key bytes → groups with that hash (collisions are compared byte by byte).
    var byHash: [Int: [Int]] = [:]
    var byText: [String: Int] = [:]
    var last: (key: Span, group: Int)?
    for (i, sample) in samples.enumerated() {
      let key = sample.group
      // Consecutive samples of a group usually share the key (often the very same span).
      if let l = last, equal(l.key, key, buffer) {
        groups[l.group].append(i)
        continue
      }
      let g: Int
      if ascii {
        let hash = hashValue(buffer.bytes(key))
        if let found = byHash[hash]?.first(where: {
          equal(samples[groups[$0][0]].group, key, buffer)
        }) {
          g = found
        } else {
          g = groups.count
          byHash[hash, default: []].append(g)
        }
      } else {
        let text = buffer.string(key)
        if let found = byText[text] {
          g = found
        } else {
          g = groups.count
          byText[text] = g
        }
      }
      if g == groups.count { groups.append([]) }
      groups[g].append(i)
      last = (key, g)
    }
    return groups
  }

  private static func equal(_ a: Span, _ b: Span, _ buffer: StepBuffer) -> Bool {
    a == b
      || (a.count == b.count && memcmp(buffer.base + a.start, buffer.base + b.start, a.count) == 0)
  }

  private static func hashValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
    var h = Hasher()
    h.combine(bytes: UnsafeRawBufferPointer(bytes))
    return h.finalize()
  }

  private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var k = 0
    // Eight bytes a word while a whole word remains (k + 8 <= count).
    while k + 8 <= bytes.count {
      let w = UnsafeRawPointer(bytes.baseAddress! + k).loadUnaligned(as: UInt64.self)
      if w & 0x8080_8080_8080_8080 != 0 { return false }
      k += 8
    }
    while k < bytes.count {
      if bytes[k] >= 0x80 { return false }
      k += 1
    }
    return true
  }
}
