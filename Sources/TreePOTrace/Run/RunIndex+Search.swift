import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension RunIndex {
  /// False only when step `i`'s raw bytes cannot hold `query` ignoring ASCII case: a search across
  /// steps decodes just the steps that may match. A query JSON might write differently (quotes,
  /// backslashes, control or non-ASCII characters, which a writer may escape) always may match.
  public func step(_ i: Int, mayContain query: String) -> Bool {
    let s = steps[i]
    return mayContain(query, file: s.file, [LineRun(start: s.start, end: s.end, line: s.line)])
  }

  /// The same for one prompt's tree (its own lines; a coarse step's trees always may match).
  public func tree(ofStep i: Int, prompt position: Int, mayContain query: String) -> Bool {
    let s = steps[i]
    return s.coarse || mayContain(query, file: s.file, s.prompts[position].runs)
  }

  private func mayContain(_ query: String, file: Int, _ ranges: [LineRun]) -> Bool {
    let needle = Array(query.utf8).map(Self.lowercased)
    guard !needle.isEmpty,
      needle.allSatisfy({ $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C })
    else { return true }
    // Line by line through one reused buffer, so a huge step is never held whole.
    var scratch: [UInt8] = []
    var found = false
    for range in ranges where !found {
      do {
        try RunLines.scan(
          path: files[file].path, from: range.start, to: range.end,
          maxLineBytes: TraceReader.defaultMaxLineBytes
        ) { line, _, _ in
          scratch.removeAll(keepingCapacity: true)
          scratch.append(contentsOf: line)
          for j in scratch.indices { scratch[j] = Self.lowercased(scratch[j]) }
          found = Self.contains(scratch, needle)
          return !found
        }
      } catch {
        return true
      }
    }
    return found
  }

  /// `memchr` to each candidate first byte, then compare (Glibc's `memmem` is not exported).
  static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
    guard hay.count >= needle.count else { return false }
    return hay.withUnsafeBytes { h in
      needle.withUnsafeBytes { n in
        let base = h.baseAddress!
        let last = hay.count - needle.count
        var at = 0
        while at <= last {
          guard let p = memchr(base + at, Int32(needle[0]), last - at + 1) else { return false }
          at = base.distance(to: UnsafeRawPointer(p))
          if memcmp(base + at, n.baseAddress!, needle.count) == 0 { return true }
          at += 1
        }
        return false
      }
    }
  }

  private static func lowercased(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b + 0x20 : b }
}
