import CBLAS

#if canImport(Glibc)
  import Glibc
#endif

// OpenBLAS 0.3.21 (Debian 12) picks its kernels from the CPU model at load time and does not
// know CPUs newer than itself (e.g. Intel family 6 model 207, Emerald Rapids): it falls back to
// the generic "Prescott" kernels, whose sgemm is ~8× slower than the AVX-512 ones on the same
// machine (7 vs 60 GFLOP/s measured). The kernels can only be chosen through OPENBLAS_CORETYPE
// before the library loads; the library only says which core type to use — the CLI's start-up
// (Sources/treepo/Startup.swift) re-executes itself once with it. An explicit value is respected.

public enum BLASCoreType {
  /// The core type OpenBLAS should use on this CPU when it fell back to a generic one, else nil.
  public static var recommendedOverride: String? {
    #if os(Linux)
      guard getenv("OPENBLAS_CORETYPE") == nil else { return nil }
      let generic = ["Prescott", "Core2", "Nehalem", "Katmai", "Coppermine", "Northwood"]
      guard generic.contains(BLASThreads.coreName) else { return nil }
      guard let flags = cpuFlags() else { return nil }
      if flags.contains("avx512f") && flags.contains("avx512bw") { return "SkylakeX" }
      if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
      return nil
    #else
      return nil
    #endif
  }

  #if os(Linux)
    static func cpuFlags() -> Set<Substring>? {
      guard let file = fopen("/proc/cpuinfo", "r") else { return nil }
      defer { fclose(file) }
      var line: UnsafeMutablePointer<CChar>? = nil
      var capacity = 0
      defer { free(line) }
      while getline(&line, &capacity, file) > 0 {
        guard let line else { break }
        let text = String(cString: line)
        if text.hasPrefix("flags") {
          return Set(text.split(separator: ":").last?.split(separator: " ") ?? [])
        }
      }
      return nil
    }
  #endif
}
