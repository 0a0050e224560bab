import Dispatch

// Row-parallel execution of the element-wise kernels and per-sequence attention. OpenBLAS
// already spreads each large GEMM over its threads; everything between the GEMMs would otherwise
// run on one core, which with two threads is a third of a training step.

/// Runs `body` over `parts` contiguous slices of 0..<count concurrently (inline for one part).
/// Each call gets a disjoint range, so per-row kernels can write their rows without locks.
@inline(__always)
public func parallelRanges(
  _ count: Int, parts requested: Int, minimumPerPart: Int = 16, _ body: (Range<Int>) -> Void
) {
  let parts = max(1, min(requested, count / max(minimumPerPart, 1)))
  if parts == 1 {
    body(0..<count)
    return
  }
  withoutActuallyEscaping(body) { body in
    let box = UnsafeSendable(body)
    DispatchQueue.concurrentPerform(iterations: parts) { part in
      let start = count * part / parts
      let end = count * (part + 1) / parts
      box.value(start..<end)
    }
  }
}

/// OpenBLAS 0.3.21 (interface/gemm.c) runs a GEMM on one thread when m·n·k ≤ 65536 · 4, on all
/// of its threads otherwise.
public let blasSingleThreadWork = 65536 * 4

/// Runs `body` for each index in 0..<count on up to `parts` threads. GEMMs issued inside (e.g.
/// per-sequence attention) run with the process's OpenBLAS thread count like every other GEMM:
/// that count is set once at start-up and never changed here, because a GEMM is not bit-identical
/// between 1 and 2 OpenBLAS threads (Haswell kernels) and other threads may be computing at the
/// same time. When the body's largest GEMM (`largestGEMM` = m·n·k) is big enough for OpenBLAS to
/// thread it and OpenBLAS has several threads, the indices run one after another instead: two
/// threaded GEMMs issued at once wait for each other's BLAS threads, spinning (4× the CPU time of
/// a 2-thread training step, measured). Either way each GEMM computes the same bits.
public func parallelForEach(
  _ count: Int, parts: Int, largestGEMM: Int = 0, _ body: (Int) -> Void
) {
  var parts = min(parts, count)
  if largestGEMM > blasSingleThreadWork && BLASThreads.current > 1 { parts = 1 }
  if parts <= 1 {
    for i in 0..<count { body(i) }
    return
  }
  parallelRanges(count, parts: parts, minimumPerPart: 1) { range in
    for i in range { body(i) }
  }
}

/// Carries a non-Sendable value into concurrentPerform; callers guarantee the work on it is
/// disjoint between threads.
struct UnsafeSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
