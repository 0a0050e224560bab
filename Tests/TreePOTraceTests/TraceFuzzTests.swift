import Foundation
import Testing
import TreePOTrace

// Mutated real traces through the reader: whatever the bytes, the answer is events, warnings, or
// one sentence naming the file and line — never a crash, a hang or a second line of error.
// `make test` runs 20,000 inputs; bench/fuzz-trace.sh runs more (TREEPO_FUZZ_INPUTS) with a new
// seed (TREEPO_FUZZ_SEED).

/// A small synthetic run (two rollouts with training) plus one event of every kind with odd
/// strings and non-finite floats: the seed corpus, as the writer writes it.
private func corpus() -> [UInt8] {
  let synthetic = SyntheticTrace(prompts: 1, width: 4, segmentLength: 3, maxDepth: 3, rollouts: 2)
  var bytes = synthetic.header.jsonLine()
  for event in synthetic.events() { bytes += event.jsonLine() }
  return bytes
}

/// Byte-level mutations that aim at the parser's and the reader's edges.
struct TraceMutator {
  var rng: SeededRandom
  static let interesting =
    Array("{}[]\":,\\\n 0123456789-+.eEtfnu\u{7f}".utf8) + [0x00, 0xC3, 0xFF]
  static let fragments: [[UInt8]] = [
    "\"nan\"", "1e999", "-0", "18446744073709551616", "\"\\ud800\"", "null", "[[[[[[[[", "}}}}",
    "\"parent\":0,", "\"node\":0,", "\"kind\":\"node_spawned\",", "\"kind\":\"rollout_started\",",
    "\u{E9}", "\\u0000",
  ].map { Array($0.utf8) }

  mutating func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(max(1, n))) }

  mutating func mutate(_ input: [UInt8]) -> [UInt8] {
    var b = input
    for _ in 0..<(1 + pick(4)) {
      guard !b.isEmpty else { break }
      let at = pick(b.count)
      switch pick(9) {
      case 0: b[at] ^= UInt8(1 << pick(8))
      case 1: b[at] = Self.interesting[pick(Self.interesting.count)]
      case 2: b.insert(Self.interesting[pick(Self.interesting.count)], at: at)
      case 3: b.removeSubrange(at..<min(b.count, at + 1 + pick(16)))
      case 4:  // duplicate a span (repeats lines: duplicate node ids)
        let span = b[at..<min(b.count, at + 1 + pick(400))]
        b.insert(contentsOf: span, at: pick(b.count))
      case 5: b.insert(contentsOf: Self.fragments[pick(Self.fragments.count)], at: at)
      case 6: b.removeSubrange(at...)  // a crash mid-write
      case 7:  // swap two lines: parents after children
        let lines = b.split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count > 3 else { break }
        var shuffled = lines
        shuffled.swapAt(1 + pick(lines.count - 1), 1 + pick(lines.count - 1))
        b = Array(shuffled.joined(separator: [0x0A]))
      default:  // a digit run replaced by a huge or negative number
        let digits = Array(String(Int64(bitPattern: rng.next()) >> pick(64)).utf8)
        b.replaceSubrange(at..<min(b.count, at + 1), with: digits)
      }
    }
    return b
  }
}

/// Runs `count` mutants through the reader; returns how many were read without error.
func fuzzTraceReader(count: Int, seed: UInt64) throws -> (clean: Int, refused: Int) {
  let base = corpus()
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-fuzz-\(getpid())-\(seed).jsonl")
  defer { try? FileManager.default.removeItem(at: url) }
  var mutator = TraceMutator(rng: SeededRandom(seed: seed))
  var clean = 0
  var refused = 0
  for i in 0..<count {
    let input = mutator.mutate(base)
    try Data(input).write(to: url)
    do {
      var reader = try TraceReader(url: url, strict: i % 2 == 0)
      while try reader.next() != nil {}
      for sentence in reader.problems + reader.warnings { try checkSentence(sentence, url, input) }
      clean += 1
    } catch let error as TraceError {
      try checkSentence(error.message, url, input)
      refused += 1
    }
    // The value parser over the whole mutant too (no recursion, no crash).
    _ = try? JSONValue.parse(input)
  }
  return (clean, refused)
}

private struct FuzzFailure: Error, CustomStringConvertible {
  var description: String
}

private func checkSentence(_ s: String, _ url: URL, _ input: [UInt8]) throws {
  guard s.hasPrefix(url.path), s.hasSuffix("."), !s.contains("\n") else {
    // Keep the input that broke the rule, to replay it.
    let kept = url.deletingPathExtension().appendingPathExtension("failing.jsonl")
    try Data(input).write(to: kept)
    throw FuzzFailure(description: "not one sentence naming the file: \(s) (input in \(kept.path))")
  }
}

@Test func traceReaderSurvivesMutatedTraces() throws {
  let env = ProcessInfo.processInfo.environment
  let count = env["TREEPO_FUZZ_INPUTS"].flatMap { Int($0) } ?? 20_000
  let seed = env["TREEPO_FUZZ_SEED"].flatMap { UInt64($0) } ?? 11
  let started = Date()
  let cpuStarted = clock()
  let (clean, refused) = try fuzzTraceReader(count: count, seed: seed)
  let seconds = Date().timeIntervalSince(started)
  let cpu = Double(clock() - cpuStarted) / Double(CLOCKS_PER_SEC)
  print(
    "trace fuzz: \(count) inputs (seed \(seed)) in \(String(format: "%.1f", seconds)) s wall, "
      + "\(String(format: "%.1f", cpu)) s CPU, \(clean) read, \(refused) refused")
  #expect(clean + refused == count)
  // Both outcomes must occur, or the mutations are not reaching the reader's checks.
  #expect(clean > count / 20 && refused > count / 20)
}
