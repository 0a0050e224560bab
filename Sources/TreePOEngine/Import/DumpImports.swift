import Foundation

// The two formats' folder/file handling on top of RolloutImporter.

public enum VerlDumpImport {
  /// The `<step>.jsonl` (or `.jsonl.gz`) files of a `trainer.rollout_data_dir`, by step.
  public static func stepFiles(in directory: String) throws -> [(step: Int, path: String)] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory),
      isDirectory.boolValue
    else { throw TraceError("\(directory) is not a folder (want verl's rollout_data_dir).") }
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
    var files: [(step: Int, path: String)] = []
    for name in names {
      let stem =
        name.hasSuffix(".jsonl")
        ? name.dropLast(6)
        : name.hasSuffix(".jsonl.gz") ? name.dropLast(9) : nil
      guard let stem, let step = Int(stem), step >= 0 else { continue }
      files.append((step, (directory as NSString).appendingPathComponent(name)))
    }
    guard !files.isEmpty else {
      throw TraceError(
        "\(directory) has no <step>.jsonl files (verl writes them to trainer.rollout_data_dir).")
    }
    return files.sorted { $0.step < $1.step }
  }

  public static func run(directory: String, output: URL) throws -> ImportReport {
    let files = try stepFiles(in: directory)
    let header = TraceHeader(
      model: "verl rollouts", task: "verl",
      config: ["trainer.rollout_data_dir": directory, "source": "verl"])
    let importer = try RolloutImporter(output: output, header: header, source: "verl")
    // Each step file is read, parsed, built into trees and encoded on a worker, in a step buffer
    // the workers pass on; this thread only writes.
    let buffers = ReusePool(make: { StepBuffer() }, clear: { $0.reset() })
    let outputs = ReusePool(make: { EncodedLines() }, clear: { $0.reset() })
    let prefetch = Prefetch(count: files.count) { i in
      let buffer = buffers.take()
      defer { buffers.put(buffer) }
      var file = try ParsedFile(
        path: files[i].path, format: .verl, step: files[i].step, into: buffer)
      let prepared = PreparedStep(
        step: files[i].step, samples: file.samples, buffer: buffer, source: "verl",
        into: outputs.take())
      file.samples = []
      return (Messages(file), prepared)
    }
    defer { prefetch.cancel() }
    var previous: Int?
    for (i, (step, _)) in files.enumerated() {
      if let previous, step > previous + 1 {
        let missing =
          step - previous - 1 == 1 ? "step \(previous + 1)" : "steps \(previous + 1)–\(step - 1)"
        importer.warn("\(directory) has no dump file for \(missing); the trace skips it.")
      }
      previous = step
      let (messages, prepared) = try prefetch.take(i)
      importer.absorb(messages)
      try importer.add(prepared)
      outputs.put(prepared.lines)
    }
    return try importer.finish()
  }
}

public enum FlatGroupImport {
  /// Lines `{"prompt","completion","reward","step"?,"group"?,"advantage"?}` from any tool; samples
  /// without a step are step 0. Steps are written in order.
  public static func run(files: [String], output: URL) throws -> ImportReport {
    let header = TraceHeader(
      model: "flat groups", task: "jsonl",
      config: ["source": "jsonl", "files": files.joined(separator: " ")])
    let importer = try RolloutImporter(output: output, header: header, source: "jsonl")
    // Every file into one buffer: a step's samples may come from several files.
    let buffer = StepBuffer()
    var byStep: [Int: [Sample]] = [:]
    for path in files {
      let file = try ParsedFile(path: path, format: .flat, step: 0, into: buffer)
      for sample in importer.absorb(file) { byStep[sample.step, default: []].append(sample) }
    }
    for step in byStep.keys.sorted() {
      try importer.add(
        PreparedStep(step: step, samples: byStep[step]!, buffer: buffer, source: "jsonl"))
    }
    return try importer.finish()
  }
}

/// A parsed file's sentences, without its samples (which refer to a step buffer that goes back to
/// the pool once the step is encoded).
struct Messages: Sendable {
  var skipped: [String]
  var warnings: [String]
  var paddingSamples: Int
  init(_ file: ParsedFile) {
    skipped = file.skipped
    warnings = file.warnings
    paddingSamples = file.paddingSamples
  }
}
