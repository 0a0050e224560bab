// The index below the step: for each prompt of a step, where its lines are and the numbers the
// batch list sorts by, both from the scan. Imported traces write a prompt's events together (one
// run of lines per prompt); the engine writes rounds, so a prompt's lines come as about one run
// per round. A run costs 24 bytes; a step whose runs pass a budget (256 + 4 per prompt + 1 per
// 2 KiB of the step: at most ~1.2% of the trace's bytes) keeps none, and its trees are read by
// going through the whole step ("coarse").

extension RunIndex {
  /// Consecutive lines of a file: bytes `start..<end`, the first being line `line`.
  public struct LineRun: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var line: Int
  }

  /// One prompt of a step as the batch list shows it, from its `node_ended` lines and the lengths
  /// of the segments on each path.
  public struct PromptSummary: Sendable, Equatable {
    /// Ended paths that count toward n (not pruned).
    public var paths = 0
    /// Finished with a reward above 0.
    public var passed = 0
    /// Stopped or truncated.
    public var cut = 0
    public var scored = 0
    public var scoreSum = 0.0
    public var scoreSquares = 0.0
    /// Sum over the paths of their length: tokens where a segment has ids, else UTF-8 bytes.
    public var lengthSum = 0

    public var passRate: Double? { paths > 0 ? Double(passed) / Double(paths) : nil }
    /// Standard deviation of the scores.
    public var spread: Double {
      guard scored > 0 else { return 0 }
      let mean = scoreSum / Double(scored)
      return max(0, scoreSquares / Double(scored) - mean * mean).squareRoot()
    }
    public var meanLength: Double { paths > 0 ? Double(lengthSum) / Double(paths) : 0 }

    public init() {}
  }

  /// A prompt of a step: its batch index (`prompt` in its events), summary and lines.
  public struct PromptLines: Sendable, Equatable {
    public var index: Int
    public var summary = PromptSummary()
    /// Its lines in file order (empty when the step is coarse).
    public var runs: [LineRun] = []
  }

  /// The first line of a step that is not a valid event.
  public struct Damage: Sendable, Equatable {
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
      self.line = line
      self.reason = reason
    }
  }

  /// The scan's working state for the step it is in (the last of its file): prompt positions by
  /// batch index, and each node's parent and length, to measure paths as they end.
  struct OpenStep {
    var step: Int
    /// Positions by batch index, when they differ (usually prompt i is at position i).
    var positions: [Int: Int] = [:]
    var prompts = 0
    var nodes = NodeTable()
    var runs = 0

    init(step: Int, prompts: [Int]) {
      self.step = step
      self.prompts = prompts.count
      guard prompts != Array(prompts.indices) else { return }
      for (p, index) in prompts.enumerated() where positions[index] == nil { positions[index] = p }
    }

    func position(of prompt: Int) -> Int? {
      positions.isEmpty ? (prompt >= 0 && prompt < prompts ? prompt : nil) : positions[prompt]
    }
  }

  /// Takes one prompt line into the open step: its run, and for an end the prompt's summary.
  mutating func add(
    _ facts: LineFacts, offset: Int, end: Int, number: Int, open: inout OpenStep
  ) {
    let s = open.step
    guard let p = open.position(of: facts.prompt) else { return }  // not in this step: an orphan
    if !steps[s].coarse {
      if let last = steps[s].prompts[p].runs.last, last.end == offset {
        steps[s].prompts[p].runs[steps[s].prompts[p].runs.count - 1].end = end
      } else {
        steps[s].prompts[p].runs.append(LineRun(start: offset, end: end, line: number))
        open.runs += 1
        coarsenIfOverBudget(&open, end: end)
      }
    }
    switch facts.kind {
    case .nodeSpawned:
      open.nodes.update(p, facts.node) { if $0.parent < 0 { $0.parent = facts.parent ?? -1 } }
    case .segmentDecoded:
      open.nodes.update(p, facts.node) {
        $0.tokens += facts.tokens
        $0.text += facts.textBytes
      }
    case .nodeEnded:
      guard let ended = facts.ended else { return }
      steps[s].summary.count(.nodeEnded(ended))
      guard ended.outcome != .pruned else { return }
      var summary = steps[s].prompts[p].summary
      summary.paths += 1
      if ended.outcome == .finished, (ended.reward ?? 0) > 0 { summary.passed += 1 }
      if ended.outcome == .stopped || ended.outcome == .truncated { summary.cut += 1 }
      if let r = ended.reward, r.isFinite {
        summary.scored += 1
        summary.scoreSum += Double(r)
        summary.scoreSquares += Double(r) * Double(r)
      }
      // The path's length: up through the parents (bounded, so a loop cannot hang the scan).
      var cursor = facts.node
      var hops = 0
      while let info = open.nodes[p, cursor], hops <= open.nodes.count {
        summary.lengthSum += info.length
        guard info.parent >= 0 else { break }
        cursor = info.parent
        hops += 1
      }
      steps[s].prompts[p].summary = summary
    default: break
    }
  }

  /// A shared line (a round, advantages, a train step): kept with the step for every tree.
  mutating func addShared(offset: Int, end: Int, number: Int, open: inout OpenStep) {
    let s = open.step
    if let last = steps[s].shared.last, last.end == offset {
      steps[s].shared[steps[s].shared.count - 1].end = end
    } else {
      steps[s].shared.append(LineRun(start: offset, end: end, line: number))
      open.runs += 1
      coarsenIfOverBudget(&open, end: end)
    }
  }

  private mutating func coarsenIfOverBudget(_ open: inout OpenStep, end: Int) {
    let s = open.step
    let budget = 256 + 4 * steps[s].prompts.count + (end - steps[s].start) / 2048
    guard open.runs > budget, !steps[s].coarse else { return }
    steps[s].coarse = true
    for p in steps[s].prompts.indices { steps[s].prompts[p].runs = [] }
    steps[s].shared = []
  }

  /// A line that is not a valid event: the step's first one is kept, all are counted.
  mutating func damaged(_ reason: String, number: Int, file: Int, open: OpenStep?) {
    guard let s = open?.step else {
      warnings.append("\(files[file].path): line \(number) \(reason); skipped it.")
      return
    }
    steps[s].damagedLines += 1
    if steps[s].damage == nil { steps[s].damage = Damage(line: number, reason: reason) }
  }
}
