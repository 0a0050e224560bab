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
  /// One sentence each: skipped lines, missing or empty step files.
  public var warnings: [String] = []
  public var output = ""

  public var summary: String {
    "Imported \(samples) sample(s) in \(groups) group(s) over \(steps) step(s) "
      + "(\(treeGroups) group(s) rebuilt from tree_idx, \(groups - treeGroups) as prefix trees) "
      + "into \(output); skipped \(skippedLines) bad line(s)."
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

  /// Builds and writes one step's trees.
  public func add(step: Int, samples: [RolloutSample]) throws {
    try add(PreparedStep(step: step, samples: samples, source: source))
  }

  /// Writes a step whose trees were built (on another thread, maybe).
  func add(_ prepared: PreparedStep) throws {
    guard prepared.samples > 0 else { return }
    try writer.write(prepared.events)
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

  /// Reads one JSONL file's samples, skipping bad lines (one sentence each, counted).
  public func readSamples(
    path: String, format: SampleLineFormat, step: Int
  ) throws -> [RolloutSample] {
    absorb(try ParsedFile(path: path, format: format, step: step))
  }

  /// Takes a parsed file's messages into the report, in file order; returns its samples.
  public func absorb(_ file: ParsedFile) -> [RolloutSample] {
    for sentence in file.skipped { skip(sentence) }
    for sentence in file.warnings { warn(sentence) }
    return file.samples
  }
}

/// One JSONL file read: its samples and what was wrong with it. Reading needs no importer state,
/// so the next step file can be read on another thread while this one's trees are built.
public struct ParsedFile: Sendable {
  public var samples: [RolloutSample] = []
  /// One sentence per skipped line.
  public var skipped: [String] = []
  public var warnings: [String] = []

  public init(path: String, format: SampleLineFormat, step: Int) throws {
    let reader = try ImportLineReader(path: path)
    var sawLine = false
    var prompts = PromptCache()
    while let line = try reader.next() {
      if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
      sawLine = true
      do {
        var sample = try RolloutSample.parse(
          line.bytes, format: format, step: step, prompts: &prompts)
        sample.line = line.number
        samples.append(sample)
      } catch {
        if !line.terminated {
          skipped.append(
            "\(path): line \(line.number) is cut short (no newline at the end of the file and "
              + "not valid JSON); skipped it.")
        } else {
          skipped.append("\(path): line \(line.number) \(error.reason); skipped it.")
        }
      }
    }
    if reader.cutShort {
      warnings.append(
        "\(path) ends inside a gzip member (a writer was stopped mid-step); read what was whole.")
    }
    if !sawLine { warnings.append("\(path) is empty: step \(step) has no samples.") }
  }
}

/// One step's trees as trace events, ready to write. Building needs no importer state, so steps are
/// built on worker threads and only written in order.
struct PreparedStep: Sendable {
  var events: [TreeEvent] = []
  var groups = 0
  var samples = 0
  var treeGroups = 0

  init(step: Int, samples: [RolloutSample], source: String) {
    guard !samples.isEmpty else { return }
    let groups = RolloutSample.grouped(samples)
    let trees = groups.map(ImportedTree.build)
    events = ImportEvents.step(step, groups: groups, trees: trees, source: source)
    self.groups = groups.count
    self.samples = samples.count
    treeGroups = trees.filter { $0.method == "tree_idx" }.count
  }
}
