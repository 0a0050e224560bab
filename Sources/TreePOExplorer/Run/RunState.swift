import TreePOTrace

// A whole run in the explorer: the step index (byte offsets, per-step and per-prompt summaries),
// which step is shown, and how the batch list of that step is ordered and filtered. A step up to
// `wholeStepBytes` is decoded whole into the explorer's timeline like any replayed trace; a bigger
// one ("per tree") keeps only its prompts' list and the shown tree, read through the index when
// shown (the timeline then scrubs that tree's events), plus the last few trees in a cache. The
// batch list of such a step sorts by the index's summaries; the other steps stay on disk.

/// What the batch list sorts by (`o` cycles; `O` flips best / worst).
public enum BatchSort: String, Sendable, CaseIterable {
  case index = "batch order"
  case passRate = "pass rate"
  case spread = "score spread"
  case length
}

/// Which prompts the batch list shows (`f` cycles).
public enum OutcomeFilter: String, Sendable, CaseIterable {
  case all
  /// Some paths pass and some fail: the groups with a learning signal.
  case mixed
  case allPass = "all pass"
  case allFail = "all fail"
  /// At least one path stopped or truncated.
  case cut = "cut short"
}

public struct RunState: Sendable {
  public internal(set) var index: RunIndex
  /// Position of the shown step in `index.steps`.
  public internal(set) var step = 0
  public var sort: BatchSort = .index
  /// Best first (highest pass rate, widest spread, longest) when true.
  public var descending = true
  public var filter: OutcomeFilter = .all
  /// The first step row shown in the step list.
  public var stepScroll = 0
  /// Bigger steps are shown per tree (16 MiB: a step of ~100k paths of short responses, or a few
  /// hundred long ones, still decodes whole in well under a second).
  public var wholeStepBytes = RunState.defaultWholeStepBytes
  public static let defaultWholeStepBytes = 16 << 20
  /// The shown step is read per tree: its prompts (the rollout_started), and the tree decoded.
  public internal(set) var started: RolloutStarted?
  public internal(set) var loadedPrompt: Int?
  /// Indexing the rest of the run failed (the error was shown once).
  var indexingFailed = false
  /// The last trees read (step, prompt position, events), newest last.
  var cache: [(step: Int, prompt: Int, events: [TreeEvent])] = []
  static let cachedTrees = 8

  public init(index: RunIndex) { self.index = index }

  public var steps: [RunIndex.Step] { index.steps }
  public var following: Bool { index.follow }
  public var perTree: Bool { started != nil }

  /// The batch list's numbers of step `i`'s prompts, from the index.
  public func indexStats(step i: Int) -> [PromptStats] {
    index.steps[i].prompts.enumerated().map { PromptStats($1.summary, position: $0) }
  }

  mutating func remember(step: Int, prompt: Int, events: [TreeEvent]) {
    cache.removeAll { $0.step == step && $0.prompt == prompt }
    cache.append((step, prompt, events))
    if cache.count > Self.cachedTrees { cache.removeFirst(cache.count - Self.cachedTrees) }
  }

  /// Positions of `rollout`'s prompts that pass the filter, in the chosen order (ties and
  /// unknown values in batch order).
  public func order(of rollout: RolloutState?) -> [Int] {
    order((rollout?.prompts ?? []).enumerated().map { PromptStats($1, position: $0) })
  }

  /// The positions of `stats` that pass the filter, in the chosen order.
  public func order(_ stats: [PromptStats]) -> [Int] {
    let shown = stats.filter { $0.passes(filter) }
    return shown.sorted { a, b in
      switch (a.key(sort), b.key(sort)) {
      case (let x?, let y?):
        if x != y { return sort == .index ? x < y : (descending ? x > y : x < y) }
        return a.position < b.position
      case (.some, nil): return true
      case (nil, .some): return false
      case (nil, nil): return a.position < b.position
      }
    }.map(\.position)
  }
}

/// One prompt of the shown step as the batch list sorts it.
public struct PromptStats: Sendable, Equatable {
  public var position: Int
  public var paths = 0
  public var passed = 0
  public var cut = 0
  /// Standard deviation of the paths' scores (0 when all agree: no signal for GRPO).
  public var spread: Double = 0
  /// Mean path length: tokens when the trace has ids, else UTF-8 bytes (O(1) per segment, so a
  /// step of long responses sorts as fast as a short one).
  public var length: Double = 0

  public var passRate: Double? { paths > 0 ? Double(passed) / Double(paths) : nil }

  /// From the run index's summary (a step shown per tree).
  public init(_ summary: RunIndex.PromptSummary, position: Int) {
    self.position = position
    paths = summary.paths
    passed = summary.passed
    cut = summary.cut
    spread = summary.spread
    length = summary.meanLength
  }

  public init(_ tree: PromptTree, position: Int) {
    self.position = position
    var scores: [Double] = []
    var lengths: [Int] = []
    for node in tree.nodes.values {
      guard let outcome = node.outcome, outcome != .pruned else { continue }
      paths += 1
      if outcome == .finished, (node.reward ?? 0) > 0 { passed += 1 }
      if outcome == .stopped || outcome == .truncated { cut += 1 }
      if let r = node.reward, r.isFinite { scores.append(Double(r)) }
      var length = 0
      for id in tree.path(to: node.id) {
        guard let n = tree.nodes[id] else { continue }
        length += n.tokenIds.isEmpty ? n.text.utf8.count : n.tokenIds.count
      }
      lengths.append(length)
    }
    if !scores.isEmpty {
      let mean = scores.reduce(0, +) / Double(scores.count)
      let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(scores.count)
      spread = variance.squareRoot()
    }
    if !lengths.isEmpty { length = Double(lengths.reduce(0, +)) / Double(lengths.count) }
  }

  func passes(_ filter: OutcomeFilter) -> Bool {
    switch filter {
    case .all: true
    case .mixed: passed > 0 && passed < paths
    case .allPass: paths > 0 && passed == paths
    case .allFail: paths > 0 && passed == 0
    case .cut: cut > 0
    }
  }

  /// The value sorted by (nil sorts last whichever the direction).
  func key(_ sort: BatchSort) -> Double? {
    switch sort {
    case .index: Double(position)
    case .passRate: passRate
    case .spread: paths > 0 ? spread : nil
    case .length: paths > 0 ? length : nil
    }
  }
}
