import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A run — one trace of many steps, or a folder of step traces — indexed by one fast scan: where
/// each step's lines are (byte offsets), its summary, and below it each prompt's lines and summary
/// (`RunIndex+Trees.swift`). A step is the lines from one `rollout_started` to the next. The scan
/// reads each line in treepo's own layout without a full parse (`RunIndex+Quick.swift`): kind,
/// prompt, node, a segment's length, an end's outcome — checking them as it goes; only the few
/// small lines the step summary needs (`rollout_started`, `round_finished`, `train_step`) and
/// lines in another layout get the full JSON parse. `events(ofStep:)` decodes one step, and
/// `tree(ofStep:prompt:)` one prompt's tree, when shown (`RunIndex+Decode.swift`).
///
/// A line that is not an event does not stop the scan: the step keeps its first such line
/// (`damage`) and counts them, and decoding leaves them out. A half-written last line is skipped
/// with a warning, or, when following a run still being written, waited for.
public struct RunIndex: Sendable {
  public struct Step: Sendable, Equatable {
    /// Index in `files`.
    public var file: Int
    /// Byte offset of the step's `rollout_started` line, and just past its last line.
    public var start: Int
    public var end: Int
    /// Line number of `start` (the header is line 1).
    public var line: Int
    public var summary: StepSummary
    /// Per prompt, in the order of the `rollout_started` list.
    public var prompts: [PromptLines] = []
    /// Lines of no one prompt after `start`: rounds, advantages, train steps, checkpoints.
    public var shared: [LineRun] = []
    /// Too many runs to keep (see `RunIndex+Trees.swift`): a tree is read from the whole step.
    public var coarse = false
    /// The step's first line that is not a valid event, and how many there are.
    public var damage: Damage?
    public var damagedLines = 0

    public var bytes: Int { end - start }
  }

  public let path: String
  /// The first file's header.
  public let header: TraceHeader
  public private(set) var files: [URL]
  public internal(set) var steps: [Step] = []
  /// Skipped lines (a truncated last line, a damaged line before the first step).
  public internal(set) var warnings: [String] = []
  /// Wait for a half-written last line instead of skipping it (`--follow`).
  public let follow: Bool

  private struct Progress: Sendable {
    /// Bytes of complete lines indexed, lines counted, and the file size at the last scan.
    var offset = 0
    var line = 0
    var seenSize = 0
    /// The last scan stopped at a step for its byte budget, not at the end of the file.
    var paused = false
  }
  private var progress: [Progress]
  private let isFolder: Bool
  /// The scan's state in the last step of each file being scanned.
  private var openSteps: [Int: OpenStep] = [:]

  /// With `scanBudget`, the first scan stops at the first step to start after that many bytes
  /// (the explorer shows the first step while `update(budget:)` indexes the rest).
  public init(path: String, follow: Bool = false, scanBudget: Int = .max) throws {
    self.path = path
    self.follow = follow
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw TraceError("\(path) does not exist.")
    }
    isFolder = isDirectory.boolValue
    files = TraceFiles.list(at: path)
    guard let first = files.first else {
      throw TraceError("\(path) has no trace files (*.jsonl), nor a traces/ folder with some.")
    }
    // The reader's own checks and sentences for a file that is not a trace.
    header = try TraceReader(url: first).header
    progress = Array(repeating: Progress(), count: files.count)
    _ = try update(budget: scanBudget)
  }

  /// Whether the last scan reached the end of every file (false while a budgeted scan is under
  /// way).
  public var complete: Bool { !progress.contains { $0.paused } }
  /// Bytes indexed so far, and the files' sizes at the last scan.
  public var indexedBytes: Int { progress.reduce(0) { $0 + $1.offset } }
  public var seenBytes: Int { progress.reduce(0) { $0 + $1.seenSize } }

  /// Indexes what was appended since the last scan (and a folder's new files), or, after a
  /// budgeted scan, what is left: up to the first step that starts after `budget` more bytes.
  /// True when a line was added.
  public mutating func update(budget: Int = .max) throws -> Bool {
    if isFolder {
      let known = Set(files.map(\.path))
      for url in TraceFiles.list(at: path) where !known.contains(url.path) {
        files.append(url)
        progress.append(Progress())
      }
    }
    var changed = false
    var left = budget
    for i in files.indices {
      guard left > 0 else {
        // Out of budget: the files after are scanned by a later call.
        if progress[i].offset < max(progress[i].seenSize, 1) { progress[i].paused = true }
        continue
      }
      let before = progress[i].offset
      if try scan(file: i, budget: left) { changed = true }
      left -= progress[i].offset - before
    }
    return changed
  }

  private static let stepStart = Array("{\"kind\":\"rollout_started\"".utf8)

  private mutating func scan(file i: Int, budget: Int) throws -> Bool {
    let url = files[i]
    var p = progress[i]
    var info = stat()
    guard stat(url.path, &info) == 0 else {
      throw TraceError("Cannot read trace file \(url.path): \(String(cString: strerror(errno))).")
    }
    let size = Int(info.st_size)
    // Nothing new, or only more of a half-written line than last time: it can wait.
    guard size > p.offset, size != p.seenSize || p.paused else {
      progress[i].paused = false
      return false
    }
    p.seenSize = size
    p.paused = false
    let from = p.offset
    var startedOne = false  // each call indexes at least one step
    var document = JSONDocument()
    var changed = false
    var openStep = openSteps[i] ?? reopen(file: i)
    let maxLine = TraceReader.defaultMaxLineBytes
    do {
      try RunLines.scan(path: url.path, from: p.offset, maxLineBytes: maxLine) {
        line, offset, terminated in
        if !terminated && follow { return false }
        // Over budget: stop before the next step (a step is never shown half indexed).
        if Self.starts(line, with: Self.stepStart) {
          if p.offset - from >= budget && startedOne {
            p.paused = true
            return false
          }
          startedOne = true
        }
        let number = p.line + 1
        let end = offset + line.count + (terminated ? 1 : 0)
        if line.count > maxLine { throw RunLines.TooLong(offset: offset) }
        var kept = true
        if number == 1 {
          if i > 0 { _ = try TraceReader(url: url) }  // the first file's header was read on open
        } else {
          kept = index(
            line, number: number, offset: offset, end: end, terminated: terminated, file: i,
            open: &openStep, document: &document)
        }
        p.line = number
        p.offset = end
        if kept, let last = steps.indices.last, steps[last].file == i { steps[last].end = end }
        changed = true
        return true
      }
    } catch is RunLines.TooLong {
      throw TraceError(
        "\(url.path): line \(p.line + 1) is longer than \(maxLine >> 20) MiB, the most a trace "
          + "line may be.")
    }
    progress[i] = p
    // Only a file that may grow keeps its working state (node lengths of the open step).
    openSteps[i] = follow && i == files.count - 1 ? openStep : nil
    return changed
  }

  /// The working state for file `i`'s last step when it was dropped (its node lengths are gone,
  /// so a path ending later counts only the segments seen since).
  private func reopen(file i: Int) -> OpenStep? {
    guard let s = steps.lastIndex(where: { $0.file == i }) else { return nil }
    return OpenStep(step: s, prompts: steps[s].prompts.map(\.index))
  }

  /// False for a truncated last line (skipped, and not part of any step).
  private mutating func index(
    _ line: UnsafeBufferPointer<UInt8>, number: Int, offset: Int, end: Int, terminated: Bool,
    file: Int, open: inout OpenStep?, document: inout JSONDocument
  ) -> Bool {
    var count = line.count
    while count > 0, line[count - 1] == 0x20 || line[count - 1] == 0x09 || line[count - 1] == 0x0D {
      count -= 1
    }
    if count == 0 { return true }
    let body = UnsafeBufferPointer(rebasing: line[0..<count])
    // A last line without its newline may be cut short: it always gets the full parse.
    if terminated, let facts = Self.quickFacts(body) {
      switch facts.kind {
      case .rolloutStarted, .roundFinished, .trainStep: break  // parsed below for the summary
      default:
        take(facts, event: nil, offset: offset, end: end, number: number, open: &open)
        return true
      }
    }
    do throws(JSONParseError) {
      try document.parse(ArraySlice(body))
      guard document.kind(document.root) == .object else {
        throw JSONParseError(line: 1, column: 1, reason: "not an object")
      }
    } catch {
      if !terminated {
        warnings.append(
          "\(files[file].path): line \(number) is truncated (no newline at the end of the file, "
            + "not valid JSON); skipped it.")
        return false
      }
      damaged(
        "is not a valid event (not JSON: \(error.reason) at column \(error.column))",
        number: number, file: file, open: open)
      return true
    }
    let event: TreeEvent
    do throws(TraceFieldError) {
      let fields = Fields(document, document.root)
      guard let decoded = try TreeEvent.decode(kind: try fields.string("kind"), fields) else {
        return true  // a kind of a later version: passed over
      }
      event = decoded
    } catch {
      damaged("is not a valid event (\(error.reason))", number: number, file: file, open: open)
      return true
    }
    if case .rolloutStarted(let e) = event {
      steps.append(
        Step(
          file: file, start: offset, end: end, line: number,
          summary: StepSummary(rollout: e.rollout),
          prompts: e.prompts.map { PromptLines(index: $0.index) }))
      open = OpenStep(step: steps.count - 1, prompts: e.prompts.map(\.index))
      steps[steps.count - 1].summary.count(event)
      return true
    }
    take(
      Self.facts(of: event), event: event, offset: offset, end: end, number: number, open: &open)
    return true
  }

  /// A prompt's line or a shared one into the open step (before the first step: counted nowhere).
  private mutating func take(
    _ facts: LineFacts, event: TreeEvent?, offset: Int, end: Int, number: Int,
    open: inout OpenStep?
  ) {
    guard var step = open else { return }
    if facts.kind.ofPrompt {
      add(facts, offset: offset, end: end, number: number, open: &step)
    } else {
      addShared(offset: offset, end: end, number: number, open: &step)
      if let event { steps[step.step].summary.count(event) }
    }
    open = step
  }
}
