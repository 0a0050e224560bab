import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench load`: a GGUF model from the file to ready-to-decode (file mapped and
  /// validated, every tensor dequantized into the fp32 buffer, a decoder with its KV cache, one
  /// token prefilled), timed over repeats, with the process's peak RSS.
  struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time loading a GGUF model to ready-to-decode; report the peak RSS.")

    @Option(help: "A known model name (see `treepo models`) or a GGUF file.")
    var model = "smollm2-135m"
    @Option(help: "Threads that dequantize (and OpenBLAS threads).") var threads = 2
    @Option(help: "Timed loads; the median is reported.") var repeats = 5

    func validate() throws {
      guard threads >= 1 else { throw ValidationError("--threads must be ≥ 1, got \(threads)") }
      guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1, got \(repeats)") }
    }

    func run() throws {
      let path: String
      if let known = ModelCatalog.named(model) {
        guard
          let installed = ModelCatalog.installedPath(
            of: known, environment: ProcessInfo.processInfo.environment)
        else {
          throw ModelsError(
            "\(model) is not installed; run treepo models get \(model) first.")
        }
        path = installed
      } else {
        path = model
      }
      BLASThreads.set(threads)
      var walls: [Double] = []
      var cpus: [Double] = []
      for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        let checkpoint = try GGUFCheckpoint(path: path)
        let loaded = checkpoint.loadModel(threads: threads)
        let decoder = DecoderSession(
          model: loaded, cache: KVCache(config: loaded.config, pageSize: 16, capacity: 8),
          maxBatch: 1, maxRows: 512)
        decoder.threads = threads
        let seq = decoder.cache.newSequence()
        let logits = try decoder.prefill(seq, tokens: [checkpoint.config.bosTokenId ?? 0])
        guard logits.allSatisfy(\.isFinite) else {
          throw ModelsError("\(path): the first logits are not finite, so the load is wrong.")
        }
        walls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        cpus.append(processCPUSeconds() - cpuStart)
      }
      var usage = rusage()
      getrusage(RUSAGE_SELF.rawValue, &usage)
      let rss = Double(usage.ru_maxrss) / 1024  // KiB on Linux
      print(
        String(
          format: "load %@ to ready-to-decode: %d threads, median wall %.3f s, median CPU %.3f s "
            + "(%d repeats), peak RSS %.0f MiB",
          path, threads, median(walls), median(cpus), repeats, rss))
    }
  }
}
