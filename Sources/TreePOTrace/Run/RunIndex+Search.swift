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
    let needle = Array(query.utf8).map(Self.lowercased)
    guard !needle.isEmpty,
      needle.allSatisfy({ $0 >= 0x20 && $0 < 0x80 && $0 != 0x22 && $0 != 0x5C })
    else { return true }
    let s = steps[i]
    let fd = open(files[s.file].path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return true }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: s.end - s.start)
    let count = bytes.withUnsafeMutableBytes { buffer -> Int in
      var done = 0
      while done < buffer.count {
        let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(s.start + done))
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { break }
        done += n
      }
      return done
    }
    guard count == bytes.count else { return true }
    for j in bytes.indices { bytes[j] = Self.lowercased(bytes[j]) }
    return Self.contains(bytes, needle)
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
