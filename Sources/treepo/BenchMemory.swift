import ArgumentParser
import Dispatch
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench memory`: the machine's read bandwidth — the ceiling of batch-1 decode, which
  /// reads every weight once per token.
  struct Memory: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure memory read bandwidth (GB/s) on 1..threads threads.")

    @Option(help: "Buffer size in MiB (well beyond the last-level cache).") var mebibytes = 512
    @Option(help: "Most threads reading at once; every count 1...threads is measured.")
    var threads = 2
    @Option(help: "Timed passes over the buffer per thread count; the median is reported.")
    var repeats = 9

    func validate() throws {
      try Check.inRange("--mebibytes", mebibytes, 64...65536)
      try Check.inRange("--threads", threads, 1...ThreadOptions.limit)
      try Check.atLeast("--repeats", repeats, 1)
    }

    func run() throws {
      let buffer = ReadBuffer(bytes: mebibytes << 20)
      for t in 1...threads {
        let rates = buffer.readRates(threads: t, passes: repeats)
        print(
          String(
            format: "memory read threads=%d buffer_mib=%d median_gb_s=%.2f min_gb_s=%.2f "
              + "max_gb_s=%.2f repeats=%d",
            t, mebibytes, median(rates), rates.min()!, rates.max()!, repeats))
      }
    }
  }
}

/// A 64-byte aligned buffer of non-zero bytes, read whole in timed passes.
final class ReadBuffer: @unchecked Sendable {
  let bytes: Int
  let pointer: UnsafeMutableRawPointer

  init(bytes: Int) {
    self.bytes = bytes / 128 * 128
    pointer = .allocate(byteCount: self.bytes, alignment: 64)
    // Written, so every page is backed before timing (an untouched page reads the zero page).
    pointer.initializeMemory(as: UInt8.self, repeating: 1, count: self.bytes)
  }

  deinit { pointer.deallocate() }

  /// GB/s (10⁹ bytes) of each of `passes` whole reads, split over `threads` threads, after one
  /// untimed pass.
  func readRates(threads: Int, passes: Int) -> [Double] {
    var rates: [Double] = []
    for pass in 0...passes {
      let slice = bytes / threads / 128 * 128
      let start = DispatchTime.now().uptimeNanoseconds
      DispatchQueue.concurrentPerform(iterations: threads) { t in
        let sum = readBytes(self.pointer + t * slice, count: slice)
        if sum < 0 { print(sum) }  // never: keeps the sum alive
      }
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      if pass > 0 { rates.append(Double(slice * threads) / seconds / 1e9) }
    }
    return rates
  }
}
