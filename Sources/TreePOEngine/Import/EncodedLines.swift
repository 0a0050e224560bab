import Foundation

/// Trace lines written straight into memory of their own: the importer's encoder (ImportEncoder)
/// writes the JSON of its events here without making TreeEvents. One step's lines go from the
/// worker that wrote them to the thread that writes the file, never shared.
final class EncodedLines: @unchecked Sendable {
  private(set) var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 1 << 16) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  func reset() { count = 0 }

  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

  /// Room for `n` more bytes: every write below asks first, then writes through `base + count`.
  @inline(__always)
  func ensure(_ n: Int) {
    guard count + n > capacity else { return }
    let grown = max(capacity * 2, count + n)
    let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
    moved.update(from: base, count: count)
    base.deallocate()
    base = moved
    capacity = grown
  }

  /// ASCII text as it stands (keys, punctuation, fixed values).
  @inline(__always)
  func raw(_ s: StaticString) {
    let n = s.utf8CodeUnitCount
    ensure(n)
    // A byte loop, not memmove: the fragments are a few bytes, known where this is inlined.
    let p = s.utf8Start
    for k in 0..<n { base[count + k] = p[k] }
    count += n
  }

  /// A decimal integer, as JSONWriter writes it.
  func int(_ v: Int) {
    ensure(21)
    if v < 0 {
      base[count] = UInt8(ascii: "-")
      count += 1
    }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { d in
      // Digits from the last; an Int has at most 19 (20 for its magnitude as UInt).
      var m = v.magnitude
      var n = 20
      repeat {
        n -= 1
        d[n] = UInt8(ascii: "0") + UInt8(m % 10)
        m /= 10
      } while m > 0
      for k in n..<20 { base[count + k - n] = d[k] }  // a few digits: no memmove call
      count += 20 - n
    }
  }

  /// A JSON string of `utf8` (valid UTF-8), escaped by JSONWriter's rules.
  func string(_ utf8: UnsafeBufferPointer<UInt8>) {
    ensure(6 * utf8.count + 2)  // no byte escapes to more than 6
    base[count] = UInt8(ascii: "\"")
    count += 1
    count += JSONWriter.escaped(utf8, into: base + count)
    base[count] = UInt8(ascii: "\"")
    count += 1
  }

  func string(_ text: String) {
    var text = text
    text.withUTF8 { string($0) }
  }

  /// A Float as JSONWriter writes it: the shortest round-tripping text, or "nan"/"inf"/"-inf".
  func float(_ v: Float) {
    if v.isFinite {
      number(v.description)
    } else {
      string(v.isNaN ? "nan" : v < 0 ? "-inf" : "inf")
    }
  }

  func double(_ v: Double) {
    if v.isFinite {
      number(v.description)
    } else {
      string(v.isNaN ? "nan" : v < 0 ? "-inf" : "inf")
    }
  }

  private func number(_ text: String) {
    var text = text
    text.withUTF8 { utf8 in
      ensure(utf8.count)
      for k in 0..<utf8.count { base[count + k] = utf8[k] }  // a few digits
      count += utf8.count
    }
  }

  /// `[1,2,3]` from the buffer's ints.
  func ints(_ span: Span, of ints: [Int]) {
    raw("[")
    for k in span.start..<span.end {
      if k > span.start { raw(",") }
      int(ints[k])
    }
    raw("]")
  }
}
