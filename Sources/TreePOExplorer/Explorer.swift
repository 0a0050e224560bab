import TreePOTrace

// The pure explorer: events and keys in, a grid of styled cells out. No terminal, no threads.
// The `treepo` driver calls `apply` for every engine event, `handle` for every key (forwarding the
// returned commands to the engine), `resize` when the terminal changes size, and `render` to draw.

public enum ExplorerMode: Sendable {
  case live
  case replay(events: [TreeEvent], header: TraceHeader)
}

public struct Explorer: Sendable {
  public internal(set) var store = TreeStore()
  public var state = ExplorerState()
  /// Replay only: the events and the position in them.
  public internal(set) var timeline: Timeline?
  /// A run of several steps (`Explorer.run(index:)`): the step index and the batch list's order;
  /// the timeline holds the shown step.
  public internal(set) var run: RunState?
  public let header: TraceHeader?
  public var colorDepth: ColorDepth
  /// The run's settings in verl's names (`actor.optim.lr`, …): the trace header's config in
  /// replay, what the driver passes live. The Training pane shows the trainer's.
  public var settings: [String: String]
  /// The model and its size for the status bar ("smollm2-135m · 134.5M"), live only.
  public var modelLabel: String?

  public init(
    mode: ExplorerMode, colorDepth: ColorDepth = .colors256, settings: [String: String] = [:]
  ) {
    self.colorDepth = colorDepth
    self.settings = settings
    switch mode {
    case .live:
      header = nil
    case .replay(let events, let header):
      self.header = header
      self.settings = header.config.merging(settings) { $1 }
      let timeline = Timeline(events: events)
      store = timeline.store
      self.timeline = timeline
    }
  }

  public var isReplay: Bool { timeline != nil }
  public var wantsQuit: Bool { state.wantsQuit }

  /// One event from the engine (live) or appended to the trace being replayed.
  public mutating func apply(_ event: TreeEvent) {
    switch event {
    case .trainStep:
      state.trainingRequested = false
      state.weightsUnsaved = true
    case .checkpointSaved: state.weightsUnsaved = false
    default: break
    }
    if var timeline {
      timeline.append(event)
      store = timeline.store
      self.timeline = timeline
    } else {
      store.apply(event)
    }
    clampPrompt()
  }

  /// What the engine thread is doing; `error` is shown in the status bar until the next status.
  public mutating func setEngineStatus(busy: Bool, running: Bool, error: String?) {
    state.engineBusy = busy
    state.engineRunning = running
    state.engineError = error
    // The newest note wins: an error replaces an older message (a message from a later key
    // replaces the error in turn, until the key after it).
    if error != nil { state.message = nil }
    if !busy && !running { state.trainingRequested = false }
  }

  /// The train step under way (nil when none): the Training pane shows its phase, percent, ETA.
  public mutating func setTrainProgress(_ progress: TrainProgressLine?) {
    state.trainProgress = progress
  }

  public mutating func setEngineProgress(_ progress: String?) {
    state.engineProgress = progress
  }

  /// The terminal's size; mouse clicks, paging and scrolling use it. Call it on start and resize.
  public mutating func resize(_ size: Size) {
    state.viewSize = size
    keepSelectionVisible()
  }

  /// A note for the status bar (e.g. "saved trace to FILE"); cleared by the next key.
  public mutating func setMessage(_ message: String?) {
    state.message = message
  }

  public var mode: ExplorerModeName {
    if isReplay { return .replay }
    if state.trainingRequested && state.engineBusy { return .training }
    if state.engineRunning { return .running }
    return state.hasRun ? .paused : .live
  }

  // MARK: - What is shown

  /// The rollout on screen (the latest one applied).
  public var rollout: RolloutState? { store.current }

  public var promptTree: PromptTree? {
    guard let r = store.current, state.promptPosition < r.prompts.count else { return nil }
    return r.prompts[state.promptPosition]
  }

  var promptKey: ExplorerState.PromptKey? {
    guard let r = store.current else { return nil }
    return .init(rollout: r.rollout, prompt: state.promptPosition)
  }

  /// The selected node of the shown prompt (its root when nothing else was selected).
  public var selectedNode: Int? {
    guard let tree = promptTree else { return nil }
    if let key = promptKey, let id = state.selection[key], tree.nodes[id] != nil { return id }
    return tree.root
  }

  func isFolded(_ node: Int) -> Bool {
    guard let key = promptKey else { return false }
    return state.folded.contains(.init(rollout: key.rollout, prompt: key.prompt, node: node))
  }

  /// The Tree pane's rows for the shown prompt.
  public var rows: [TreeRow] {
    promptTree?.rows(isFolded: isFolded) ?? []
  }

  private mutating func clampPrompt() {
    let count = store.current?.prompts.count ?? 0
    state.promptPosition = min(state.promptPosition, max(0, count - 1))
  }
}
