import Foundation

// `treepo import verl DIR` and `treepo import jsonl FILE…`: read dump lines, skip bad ones with one
// sentence each, build each group's tree and write a treepo trace. The trace is written to a
// temporary file beside the output and renamed at the end, so a failed import leaves nothing
// half-written under the output's name.

public struct ImportReport: Sendable {
  public var steps = 0
  public var groups = 0
  public var samples = 0
  public var treeGroups = 0
  public var skippedLines = 0
  /// verl's synthetic padding samples (V1 trainer), left out: not samples of any prompt.
  public var paddingSamples = 0
  /// One sentence each: skipped lines, missing or empty step files.
  public var warnings: [String] = []
  public var output = ""

  public var summary: String {
    "Imported \(samples) sample(s) in \(groups) group(s) over \(steps) step(s) "
      + "(\(treeGroups) group(s) rebuilt from tree_idx, \(groups - treeGroups) as prefix trees) "
      + "into \(output); skipped \(skippedLines) bad line(s)."
      + (paddingSamples > 0
        ? " Left out \(paddingSamples) of verl's padding sample(s) (uid pad…, no prompt of the run)."
        : "")
  }
}

public final class RolloutImporter {
  public private(set) var report = ImportReport()
  private let output: URL
  private let temporary: URL
  private let writer: TraceWriter
  private let source: String

  public init(output: URL, header: TraceHeader, source: String) throws {
    self.output = output
    self.source = source
    temporary = output.deletingLastPathComponent().appendingPathComponent(
      ".\(output.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
    writer = try TraceWriter(url: temporary, header: header)
    report.output = output.path
  }

  deinit { try? FileManager.default.removeItem(at: temporary) }

  /// Writes a step whose trees were built and encoded (on another thread, maybe).
  func add(_ prepared: PreparedStep) throws {
    guard prepared.samples > 0 else { return }
    try writer.write(encodedLines: prepared.lines.bytes)
    report.steps += 1
    report.groups += prepared.groups
    report.samples += prepared.samples
    report.treeGroups += prepared.treeGroups
  }

  public func skip(_ sentence: String) {
    report.skippedLines += 1
    report.warnings.append(sentence)
  }

  public func warn(_ sentence: String) { report.warnings.append(sentence) }

  /// Moves the finished trace into place.
  public func finish() throws -> ImportReport {
    writer.close()
    if rename(temporary.path, output.path) != 0 {
      throw TraceError(
        "Cannot write \(output.path): \(String(cString: strerror(errno))).")
    }
    return report
  }

  /// Takes a parsed file's messages into the report, in file order; returns its samples.
  func absorb(_ file: ParsedFile) -> [Sample] {
    absorb(Messages(file))
    return file.samples
  }

  /// Takes a parsed file's messages into the report, in file order.
  func absorb(_ messages: Messages) {
    report.paddingSamples += messages.paddingSamples
    for sentence in messages.skipped { skip(sentence) }
    for sentence in messages.warnings { warn(sentence) }
  }
}

/// One JSONL file read into a step buffer: its samples and what was wrong with it. Reading needs no
/// importer state, so the next step file can be read on another thread while this one is built.
struct ParsedFile {
  var samples: [Sample] = []
  /// One sentence per skipped line.
  var skipped: [String] = []
  var warnings: [String] = []
  /// verl's padding samples left out (see `isVerlPadding`).
  var paddingSamples = 0

  /// Appends the file to `buffer` and parses its lines (samples refer to the buffer).
  init(path: String, format: SampleLineFormat, step: Int, into buffer: StepBuffer) throws {
    let (file, cutShort) = try buffer.appendFile(path: path)
    var parser = SampleLineParser(format: format, buffer: buffer)
    var sawLine = false
    var number = 0
    var at = file.start
    // Lines by memchr within the file's bytes [at, file.end); parsing appends only into the room
    // `appendFile` reserved, so `buffer.base` does not move while a line is read.
    while at < file.end {
      let newline = memchr(buffer.base + at, 0x0A, file.end - at)
      let end = newline.map { buffer.base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) }
      let line = Span(start: at, count: (end ?? file.end) - at)
      at = (end ?? file.end) + 1
      number += 1
      if buffer.bytes(line).allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      sawLine = true
      do {
        var sample = try parser.parse(line, step: step)
        if format == .verl && Self.isVerlPadding(group: buffer.bytes(sample.group)) {
          paddingSamples += 1
          continue
        }
        sample.line = number
        samples.append(sample)
      } catch {
        if end == nil {
          skipped.append(
            "\(path): line \(number) is cut short (no newline at the end of the file and "
              + "not valid JSON); skipped it.")
        } else {
          skipped.append("\(path): line \(number) \(error.reason); skipped it.")
        }
      }
    }
    if cutShort {
      warnings.append(
        "\(path) ends inside a gzip member (a writer was stopped mid-step); read what was whole.")
    }
    if !sawLine { warnings.append("\(path) is empty: step \(step) has no samples.") }
  }
}

extension ParsedFile {
  /// verl's V1 trainer fills its data-parallel batches with synthetic samples (prompt and response
  /// all end tokens, score 0, tag `is_padding`) under the uid `pad` + 32 hex digits, and its
  /// `rollout_data_dir` dump writes them like any other: they belong to no prompt.
  static func isVerlPadding(group: UnsafeBufferPointer<UInt8>) -> Bool {
    guard group.count == 35, group[0] == UInt8(ascii: "p"), group[1] == UInt8(ascii: "a"),
      group[2] == UInt8(ascii: "d")
    else { return false }
    return group[3...].allSatisfy { b in
      (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
        || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "f"))
    }
  }
}

/// One step's trees as trace lines, ready to write. Building needs no importer state, so steps are
/// built on worker threads and only written in order.
struct PreparedStep: Sendable {
  /// Empty when the step has no samples.
  var lines: EncodedLines
  var groups = 0
  var samples = 0
  var treeGroups = 0

  init(
    step: Int, samples: [Sample], buffer: StepBuffer, source: String,
    into lines: EncodedLines = EncodedLines()
  ) {
    self.lines = lines
    guard !samples.isEmpty else { return }
    let groups = StepGroups.of(samples, buffer).map { $0.map { samples[$0] } }
    let trees = groups.map { BuiltTree($0, in: buffer) }
    ImportEncoder.step(
      step, groups: groups, trees: trees, buffer: buffer, source: source, into: lines)
    self.groups = groups.count
    self.samples = samples.count
    treeGroups = trees.filter { $0.method == "tree_idx" }.count
  }
}
