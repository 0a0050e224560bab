import TreePOTrace

// THE table of key bindings. Dispatch (`Explorer.handle`), the `?` help overlay and docs/keys.md
// are all generated from it, so they cannot disagree. A binding that is unavailable says why.

public enum Action: String, Sendable, CaseIterable {
  case stepRound, toggleRun, trainStep, newBatch, saveTrace, saveWeights
  case previousPrompt, nextPrompt
  case parent, child, nextNode, previousNode, nextSibling, previousSibling
  case toggleFold, top, bottom, pageUp, pageDown, scrollUp, scrollDown, select
  case search, nextMatch, previousMatch, cycleColouring, switchFocus
  case pathPageUp, pathPageDown, pathStart, pathEnd
  case eventBack, eventForward, roundBack, roundForward, timelineStart, timelineEnd
  case previousStep, nextStep, cycleSort, flipSort, cycleFilter
  case help, cancel, redraw, quit
}

public struct KeyBinding: Sendable {
  public var keys: [Key]
  /// How the keys are written in help and docs, e.g. "h ←".
  public var label: String
  public var action: Action
  public var description: String
  public var group: String
  /// Nil when the binding can be used now; else why not (shown in the status bar).
  public var whyDisabled: @Sendable (Explorer) -> String?
  /// docs/keys.md's "not available when" for a rule the sample situations cannot show.
  public var availability: String?

  public init(
    _ keys: [Key], _ label: String, _ action: Action, _ description: String, group: String,
    availability: String? = nil,
    whyDisabled: @escaping @Sendable (Explorer) -> String? = { _ in nil }
  ) {
    self.availability = availability
    self.keys = keys
    self.label = label
    self.action = action
    self.description = description
    self.group = group
    self.whyDisabled = whyDisabled
  }
}

public enum KeyMap {
  public static let groups = ["Engine", "Tree", "View", "Path", "Replay", "Run", "General"]

  private static let liveOnly: @Sendable (Explorer) -> String? = {
    $0.isReplay ? "not available in replay" : nil
  }
  private static let replayOnly: @Sendable (Explorer) -> String? = {
    $0.isReplay ? nil : "only in replay (treepo replay FILE)"
  }

  /// Every binding: a run's first (in a run `[` `]` move between steps, not prompts).
  public static let bindings: [KeyBinding] = runBindings + table

  static let table: [KeyBinding] = [
    // Replay
    KeyBinding(
      [.character("<"), .character(",")], "< ,", .eventBack, "one event back", group: "Replay",
      whyDisabled: replayOnly),
    KeyBinding(
      [.character(">"), .character(".")], "> .", .eventForward, "one event forward",
      group: "Replay", whyDisabled: replayOnly),
    KeyBinding(
      [.character("{")], "{", .roundBack, "one round back", group: "Replay",
      whyDisabled: replayOnly),
    KeyBinding(
      [.character("}")], "}", .roundForward, "one round forward", group: "Replay",
      whyDisabled: replayOnly),
    KeyBinding(
      [.home], "Home", .timelineStart, "start of the trace", group: "Replay",
      whyDisabled: replayOnly),
    KeyBinding(
      [.end], "End", .timelineEnd, "end of the trace", group: "Replay", whyDisabled: replayOnly),
    // Engine
    KeyBinding(
      [.character(" ")], "space", .stepRound, "decode one round", group: "Engine",
      whyDisabled: {
        if $0.isReplay { return "not available in replay" }
        if $0.store.current?.done == true {
          return "the batch is done: b for a new one, t to train"
        }
        return nil
      }),
    KeyBinding(
      [.character("r")], "r", .toggleRun, "run / pause the batch", group: "Engine",
      whyDisabled: liveOnly),
    KeyBinding(
      [.character("t")], "t", .trainStep, "train step (PPO) on the trees of this batch",
      group: "Engine",
      whyDisabled: {
        if $0.isReplay { return "not available in replay" }
        if $0.state.engineBusy { return "the engine is busy" }
        if $0.store.current?.done != true { return "the batch is not finished: r runs it" }
        return nil
      }),
    KeyBinding(
      [.character("b")], "b", .newBatch, "sample a new batch of prompts", group: "Engine",
      whyDisabled: liveOnly),
    KeyBinding(
      [.character("s")], "s", .saveTrace, "save the trace", group: "Engine",
      whyDisabled: { $0.isReplay ? "not available in replay (the trace is already a file)" : nil }
    ),
    KeyBinding(
      [.character("w")], "w", .saveWeights, "save the trained weights (a model folder)",
      group: "Engine", availability: "replay; no train step yet",
      whyDisabled: {
        if $0.isReplay { return "not available in replay" }
        if $0.store.trainSteps.isEmpty { return "no train step yet: t trains" }
        return nil
      }),
    // Tree
    KeyBinding(
      [.character("[")], "[", .previousPrompt, "previous prompt", group: "Tree",
      availability: "a run", whyDisabled: notInRun),
    KeyBinding(
      [.character("]")], "]", .nextPrompt, "next prompt", group: "Tree", availability: "a run",
      whyDisabled: notInRun),
    KeyBinding([.character("h"), .left], "h ←", .parent, "parent", group: "Tree"),
    KeyBinding([.character("l"), .right], "l →", .child, "first child", group: "Tree"),
    KeyBinding([.character("j"), .down], "j ↓", .nextNode, "next visible node", group: "Tree"),
    KeyBinding(
      [.character("k"), .up], "k ↑", .previousNode, "previous visible node", group: "Tree"),
    KeyBinding([.character("J")], "J", .nextSibling, "next sibling", group: "Tree"),
    KeyBinding([.character("K")], "K", .previousSibling, "previous sibling", group: "Tree"),
    KeyBinding([.enter], "Enter", .toggleFold, "fold / unfold", group: "Tree"),
    KeyBinding([.character("g")], "g", .top, "top of the tree", group: "Tree"),
    KeyBinding([.character("G")], "G", .bottom, "bottom of the tree", group: "Tree"),
    KeyBinding(
      [.home], "Home", .top, "top of the tree (live)", group: "Tree",
      whyDisabled: { $0.isReplay ? "moves the timeline in replay" : nil }),
    KeyBinding(
      [.end], "End", .bottom, "bottom of the tree (live)", group: "Tree",
      whyDisabled: { $0.isReplay ? "moves the timeline in replay" : nil }),
    KeyBinding([.pageUp], "PgUp", .pageUp, "page up", group: "Tree"),
    KeyBinding([.pageDown], "PgDn", .pageDown, "page down", group: "Tree"),
    KeyBinding([], "click", .select, "select a node or prompt (mouse)", group: "Tree"),
    KeyBinding([.scrollUp], "wheel ↑", .scrollUp, "scroll the tree up", group: "Tree"),
    KeyBinding([.scrollDown], "wheel ↓", .scrollDown, "scroll the tree down", group: "Tree"),
    // View
    KeyBinding(
      [.character("/")], "/", .search,
      "search node text (a run: prompts, responses of the step)", group: "View"),
    KeyBinding(
      [.character("n")], "n", .nextMatch, "next match (in a run: on into the next steps)",
      group: "View"),
    KeyBinding(
      [.character("N")], "N", .previousMatch, "previous match (in a run: back through the steps)",
      group: "View"),
    KeyBinding(
      [.character("c")], "c", .cycleColouring, "colour by entropy / probability / advantage",
      group: "View"),
    KeyBinding(
      [.tab, .backTab], "Tab", .switchFocus, "switch focus tree / batch (/ steps in a run)",
      group: "View"),
    // Path
    KeyBinding(
      [.character("u")], "u", .pathPageUp, "scroll the path up a page (toward the prompt)",
      group: "Path"),
    KeyBinding(
      [.character("d")], "d", .pathPageDown, "scroll the path down a page", group: "Path"),
    KeyBinding([.character("U")], "U", .pathStart, "start of the path (the prompt)", group: "Path"),
    KeyBinding(
      [.character("D")], "D", .pathEnd, "end of the path (follows the selected node)",
      group: "Path"),
    // General
    KeyBinding([.character("?")], "?", .help, "show / hide this help", group: "General"),
    KeyBinding([.escape], "Esc", .cancel, "cancel (search, help, message)", group: "General"),
    KeyBinding([.control("l")], "Ctrl-L", .redraw, "redraw the screen", group: "General"),
    KeyBinding(
      [.character("q"), .control("c")], "q Ctrl-C", .quit,
      "quit (q first offers to save unsaved trained weights)", group: "General"),
  ]

  /// The binding `key` triggers now: the first available one that lists it; when every binding of
  /// the key is unavailable, the first of them (its `whyDisabled` says why).
  public static func binding(for key: Key, in explorer: Explorer) -> (KeyBinding, String?)? {
    let candidates = bindings.filter { $0.keys.contains(key) }
    for b in candidates where b.whyDisabled(explorer) == nil { return (b, nil) }
    guard let first = candidates.first else { return nil }
    return (first, first.whyDisabled(explorer))
  }

  /// The keys document (docs/keys.md), generated from the table.
  public static func markdown() -> String {
    var s = "# Explorer keys\n\n"
    s += "Generated from `Sources/TreePOExplorer/KeyMap.swift` (the one table that also drives\n"
    s += "dispatch and the `?` help overlay); a test fails when this file is stale.\n"
    for group in groups {
      s += "\n## \(group)\n\n| Key | Action | Not available when |\n|---|---|---|\n"
      for b in bindings where b.group == group {
        let label = b.label.replacingOccurrences(of: "|", with: "\\|")
        s += "| `\(label)` | \(b.description) | \(availabilityNote(b)) |\n"
      }
    }
    return s
  }

  /// Where the binding is unavailable, found by asking its `whyDisabled` in sample situations
  /// (so the document cannot drift from the rule).
  private static func availabilityNote(_ binding: KeyBinding) -> String {
    guard !binding.keys.isEmpty else { return "" }
    if let note = binding.availability { return note }
    var running = TreeStore()
    running.apply(
      .rolloutStarted(RolloutStarted(rollout: 0, sampler: "tree", prompts: [], config: [:])))
    var done = running
    done.apply(.roundFinished(RoundFinished(round: 0, counters: RolloutCounters(), done: true)))
    var notFinished = Explorer(mode: .live)
    notFinished.store = running
    var busy = notFinished
    busy.state.engineBusy = true
    var finished = Explorer(mode: .live)
    finished.store = done
    let replay = Explorer(mode: .replay(events: [], header: TraceHeader(model: "", task: "")))
    let live = [
      ("engine busy", busy), ("batch not finished", notFinished), ("batch done", finished),
    ]
    var notes: [String] = []
    if binding.whyDisabled(replay) != nil { notes.append("replay") }
    let liveNotes = live.filter { binding.whyDisabled($0.1) != nil }.map(\.0)
    notes += liveNotes.count == live.count ? ["live"] : liveNotes
    return notes.joined(separator: "; ")
  }
}
