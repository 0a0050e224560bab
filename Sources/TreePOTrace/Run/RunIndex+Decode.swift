// Decoding what is shown: one step whole, or one prompt's tree — its runs of lines and the step's
// shared lines, merged in file order, nothing else read. A line that is not a valid event, or a
// spawn that would break the tree (a node spawned twice, under a parent not spawned before), is
// left out with a warning naming its line, so one damaged line never hides the rest.

extension RunIndex {
  /// Events read from a part of a file, and what it cost.
  public struct Decoded: Sendable {
    public var events: [TreeEvent] = []
    public var warnings: [String] = []
    /// Bytes read from the file.
    public var bytesRead = 0
  }

  /// The events of step `i`, its `rollout_started` first.
  public func events(ofStep i: Int) throws -> (events: [TreeEvent], warnings: [String]) {
    let s = steps[i]
    let d = try decode(file: s.file, [LineRun(start: s.start, end: s.end, line: s.line)])
    return (d.events, d.warnings)
  }

  /// Step `i`'s `rollout_started` (the prompts of its batch).
  public func rolloutStarted(ofStep i: Int) throws -> RolloutStarted {
    let s = steps[i]
    var first: RolloutStarted?
    try RunLines.scan(
      path: files[s.file].path, from: s.start, to: s.end,
      maxLineBytes: TraceReader.defaultMaxLineBytes
    ) { line, _, _ in
      if case .rolloutStarted(let e) = try TreeEvent.parse(line: ArraySlice(line)) { first = e }
      return false
    }
    guard let first else {
      throw TraceError("\(files[s.file].path): line \(s.line) is not a rollout_started event.")
    }
    return first
  }

  /// The events of the prompt at `position` in step `i` (without the `rollout_started`): its own
  /// lines and the step's shared ones, whose per-node entries are narrowed to this prompt.
  public func tree(ofStep i: Int, prompt position: Int) throws -> Decoded {
    let s = steps[i]
    let prompt = s.prompts[position].index
    let ranges: [LineRun]
    if s.coarse {
      ranges = [LineRun(start: s.start, end: s.end, line: s.line)]
    } else {
      ranges = merged(s.prompts[position].runs, s.shared)
    }
    return try decode(file: s.file, ranges, prompt: prompt)
  }

  /// Two lists of runs, each in file order, as one (runs that touch are joined).
  private func merged(_ a: [LineRun], _ b: [LineRun]) -> [LineRun] {
    var out: [LineRun] = []
    out.reserveCapacity(a.count + b.count)
    var i = 0
    var j = 0
    while i < a.count || j < b.count {
      let next: LineRun
      if j >= b.count || (i < a.count && a[i].start < b[j].start) {
        next = a[i]
        i += 1
      } else {
        next = b[j]
        j += 1
      }
      if let last = out.last, last.end == next.start {
        out[out.count - 1].end = next.end
      } else {
        out.append(next)
      }
    }
    return out
  }

  /// Reads `ranges` of file `file`; with `prompt`, keeps only that prompt's events and the shared
  /// ones (a coarse step's other lines are passed over by their prefix, unparsed).
  private func decode(file: Int, _ ranges: [LineRun], prompt: Int? = nil) throws -> Decoded {
    let path = files[file].path
    var out = Decoded()
    var structure = TraceStructure()
    var document = JSONDocument()
    for range in ranges {
      var number = range.line - 1
      out.bytesRead += try RunLines.scan(
        path: path, from: range.start, to: range.end,
        maxLineBytes: TraceReader.defaultMaxLineBytes
      ) { line, _, terminated in
        number += 1
        if !terminated && follow { return false }
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return true }
        if let prompt, let (kind, after) = Self.quickKind(line) {
          if kind == .rolloutStarted { return true }
          var c = LineCursor(line: line, at: after)
          if kind.ofPrompt, c.expect(",\"prompt\":"), let p = c.int(), p != prompt { return true }
        }
        let event: TreeEvent?
        do throws(TraceFieldError) {
          event = try Self.parse(line, with: &document)
        } catch {
          out.warnings.append(
            terminated
              ? "\(path): line \(number) is not a valid event (\(error.reason)); left it out."
              : "\(path): line \(number) is truncated (no newline at the end of the file, not "
                + "valid JSON); skipped it.")
          return true
        }
        guard var event else { return true }
        if let prompt {
          guard let narrowed = Self.narrow(event, to: prompt) else { return true }
          event = narrowed
        }
        switch event {
        case .rolloutStarted: structure.startRollout()
        case .nodeSpawned(let e):
          if let problem = structure.check(e, line: number) {
            out.warnings.append("\(path): line \(number) \(problem); left it out.")
            return true
          }
        default: break
        }
        out.events.append(event)
        return true
      }
    }
    return out
  }

  /// One line's event (nil for a kind of a later version), parsed into a reused document.
  static func parse(
    _ line: UnsafeBufferPointer<UInt8>, with document: inout JSONDocument
  ) throws(TraceFieldError) -> TreeEvent? {
    do throws(JSONParseError) {
      try document.parse(ArraySlice(line))
    } catch {
      throw TraceFieldError(reason: "not JSON: \(error.reason) at column \(error.column)")
    }
    guard document.kind(document.root) == .object else {
      throw TraceFieldError(reason: "not JSON: not an object at column 1")
    }
    let fields = Fields(document, document.root)
    return try TreeEvent.decode(kind: try fields.string("kind"), fields)
  }

  /// `event` as it concerns one prompt: nil for another prompt's event; the shared ones with
  /// their per-node entries narrowed to the prompt.
  static func narrow(_ event: TreeEvent, to prompt: Int) -> TreeEvent? {
    switch event {
    case .rolloutStarted: return nil
    case .nodeSpawned(let e): return e.prompt == prompt ? event : nil
    case .segmentDecoded(let e): return e.prompt == prompt ? event : nil
    case .nodeEnded(let e): return e.prompt == prompt ? event : nil
    case .fallback(let e): return e.prompt == prompt ? event : nil
    case .advantagesAssigned(var e):
      e.nodes.removeAll { $0.prompt != prompt }
      return .advantagesAssigned(e)
    case .trainStep(var e):
      e.changes.removeAll { $0.prompt != prompt }
      return .trainStep(e)
    case .roundFinished, .checkpointSaved: return event
    }
  }
}
