import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo.Bench {
  /// `treepo bench tokenize`: byte-level BPE encode (and decode) throughput on a text file, one
  /// thread, one encode call for the whole text. Prints the same line as
  /// `bench/peers/hf_tokenize.py` (token count and an id checksum) so the two can be compared.
  struct Tokenize: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Time BPE encoding and decoding of a text file (one thread).")

    @Option(help: "A known model name, a GGUF file, or a tokenizer.json.")
    var model = "smollm2-135m"
    @Option(help: "The UTF-8 text to encode (bench/tokenize-side-by-side.sh makes 10 MB).")
    var text: String
    @Option(help: "Timed runs; the median is reported.") var repeats = 5

    func validate() throws {
      guard repeats >= 1 else { throw ValidationError("--repeats must be ≥ 1, got \(repeats)") }
    }

    func loadTokenizer() throws -> BPETokenizer {
      var path = model
      if let known = ModelCatalog.named(model) {
        guard
          let installed = ModelCatalog.installedPath(
            of: known, environment: ProcessInfo.processInfo.environment)
        else {
          throw ModelsError("\(model) is not installed; run treepo models get \(model) first.")
        }
        path = installed
      }
      if path.hasSuffix(".json") {
        guard let bytes = FileManager.default.contents(atPath: path) else {
          throw ModelsError("\(path): cannot be read.")
        }
        return try BPETokenizer(hfTokenizer: Array(bytes), path: path)
      }
      let file = try GGUFFile(path: path)
      return try BPETokenizer(gguf: GGUFTokenizerMetadata(file), source: path)
    }

    func run() throws {
      let loadStart = DispatchTime.now().uptimeNanoseconds
      let tokenizer = try loadTokenizer()
      let loadSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
      guard let data = FileManager.default.contents(atPath: text) else {
        throw ModelsError("\(text): cannot be read.")
      }
      let input = String(decoding: data, as: UTF8.self)
      var ids: [Int] = []
      var encodeWalls: [Double] = []
      var encodeCPUs: [Double] = []
      var decodeCPUs: [Double] = []
      for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = processCPUSeconds()
        ids = try tokenizer.encode(input)
        encodeCPUs.append(processCPUSeconds() - cpuStart)
        encodeWalls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        let decodeStart = processCPUSeconds()
        let back = tokenizer.decode(ids)
        decodeCPUs.append(processCPUSeconds() - decodeStart)
        guard back.utf8.count == input.utf8.count else {
          throw ModelsError("decode(encode(text)) is not the text, so the tokenizer is wrong.")
        }
      }
      var checksum: UInt64 = 0
      for id in ids { checksum = checksum &* 1_000_003 &+ UInt64(id) }
      let mb = Double(data.count) / 1e6
      print(
        String(
          format: "treepo tokenize: %.2f MB, %d tokens, checksum %llu; encode median CPU %.3f s "
            + "(%.2f MB/s), wall %.3f s; decode median CPU %.3f s; load %.2f s (%d repeats)",
          mb, ids.count, checksum, median(encodeCPUs), mb / median(encodeCPUs), median(encodeWalls),
          median(decodeCPUs), loadSeconds, repeats))
    }
  }
}
