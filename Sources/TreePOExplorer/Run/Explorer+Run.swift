import TreePOTrace

// Moving through a run: one step's events are decoded when it is shown (the timeline scrubs within
// it as in any replay), or, for a big step, its shown tree (Explorer+RunTrees.swift); the batch
// list orders that step's prompts; `--follow` indexes what the training run appended since the
// last look.

extension Explorer {
  /// The explorer over a run of steps, showing the first (or, when following, the last) step;
  /// steps over `wholeStepBytes` are shown per tree.
  public static func run(
    index: RunIndex, colorDepth: ColorDepth = .colors256, settings: [String: String] = [:],
    wholeStepBytes: Int = RunState.defaultWholeStepBytes
  ) -> Explorer {
    var explorer = Explorer(
      mode: .replay(events: [], header: index.header), colorDepth: colorDepth, settings: settings)
    explorer.run = RunState(index: index)
    explorer.run?.wholeStepBytes = wholeStepBytes
    if !index.steps.isEmpty { explorer.showStep(index.follow ? index.steps.count - 1 : 0) }
    explorer.noteDamage()
    return explorer
  }

  public var isRun: Bool { run != nil }

  /// Decodes step `i` and shows it at its end; a step that cannot be read is a note instead.
  mutating func showStep(_ i: Int) {
    guard var run, run.steps.indices.contains(i) else { return }
    if run.steps[i].bytes > run.wholeStepBytes { return showStepPerTree(i) }
    run.started = nil
    run.loadedPrompt = nil
    do {
      let (events, warnings) = try run.index.events(ofStep: i)
      let timeline = Timeline(events: events)
      self.timeline = timeline
      store = timeline.store
      run.step = i
      self.run = run
      state.treeScroll = 0
      state.promptPosition = batchOrder.first ?? 0
      keepStepVisible()
      if let warning = warnings.first { state.message = warning }
      noteStepDamage()
    } catch {
      state.message = "\(error)"
    }
  }

  mutating func moveStep(by delta: Int) {
    guard let run, !run.steps.isEmpty else { return }
    let target = min(max(0, run.step + delta), run.steps.count - 1)
    if target == run.step {
      let indexing = run.index.complete ? "" : " indexed so far (indexing the rest)"
      state.message = delta < 0 ? "at the first step" : "at the last step\(indexing)"
      return
    }
    showStep(target)
  }

  // MARK: - The batch list

  /// The shown step's prompts with the numbers the batch list sorts by (from the index when the
  /// step is shown per tree: the other trees are not in memory).
  public var batchStats: [PromptStats] {
    if let run, run.perTree { return run.indexStats(step: run.step) }
    return (store.current?.prompts ?? []).enumerated().map { PromptStats($1, position: $0) }
  }

  /// Positions of the prompts the batch list shows, in its order.
  public var batchOrder: [Int] {
    guard let run else { return Array(0..<(store.current?.prompts.count ?? 0)) }
    return run.order(batchStats)
  }

  /// Moves the shown prompt within the batch list's order.
  mutating func moveInBatch(by delta: Int) {
    let order = batchOrder
    guard !order.isEmpty else { return }
    let here = order.firstIndex(of: state.promptPosition) ?? -1
    let target = here < 0 ? 0 : min(max(0, here + delta), order.count - 1)
    state.promptPosition = order[target]
    state.treeScroll = 0
  }

  /// After the order or filter changed: the best-ranked prompt is shown.
  mutating func batchOrderChanged() {
    guard let run else { return }
    let order = batchOrder
    state.promptPosition = order.first ?? state.promptPosition
    state.treeScroll = 0
    let direction = run.sort == .index ? "" : run.descending ? " (best first)" : " (worst first)"
    state.message =
      "batch by \(run.sort.rawValue)\(direction) · \(run.filter.rawValue): \(order.count) "
      + "of \(store.current?.prompts.count ?? 0) prompts"
  }

  // MARK: - The step list

  /// Keeps the shown step inside the step list's rows.
  mutating func keepStepVisible() {
    guard var run else { return }
    let height = max(1, layout(for: state.viewSize).steps.inner.height - 1)
    if run.step < run.stepScroll { run.stepScroll = run.step }
    if run.step >= run.stepScroll + height { run.stepScroll = run.step - height + 1 }
    run.stepScroll = min(max(0, run.stepScroll), max(0, run.steps.count - height))
    self.run = run
  }

  /// The areas for this explorer: a run has the step list where a single trace has Compute and
  /// Training.
  public func layout(for size: Size) -> ExplorerLayout {
    isRun
      ? ExplorerLayout(runOf: size)
      : ExplorerLayout(size: size, prompts: rollout?.prompts.count ?? 8)
  }

  // MARK: - Following a run still being written

  /// Indexes what was appended; new steps join the step list, and the shown step, when it grew,
  /// gets its new events (the view follows only when it was at the end). True when anything
  /// changed.
  public mutating func followRun() -> Bool {
    guard var run, run.following else { return false }
    let before = run.steps
    do {
      guard try run.index.update() else { return false }
    } catch {
      state.message = "\(error)"
      return true
    }
    self.run = run
    if before.isEmpty {
      showStep(0)
      return true
    }
    if run.steps[run.step].end != before[run.step].end,
      run.perTree
        || run.steps[run.step].bytes > run.wholeStepBytes
    {
      refreshShownTree()
    } else if run.steps[run.step].end != before[run.step].end, let timeline,
      let (events, _) = try? run.index.events(ofStep: run.step)
    {
      for event in events.dropFirst(timeline.events.count) { apply(event) }
    }
    if run.steps.count > before.count && run.step == before.count - 1 {
      // At the newest step: follow on to the one that appeared (`[` looks back and stays).
      showStep(run.steps.count - 1)
    }
    if run.steps.count > before.count {
      let newest = run.steps[run.steps.count - 1].summary.rollout
      state.message = "step \(newest) appeared (\(run.steps.count) steps)"
    }
    return true
  }
}

extension Explorer {
  /// Bytes indexed per tick while a run opened before its index was finished.
  public static let indexChunk = 64 << 20

  /// A run shown before the scan reached its end (a big trace opens at its first step): the next
  /// part is indexed; its steps join the step list and the view stays. True when anything changed.
  public mutating func indexMore(budget: Int = Explorer.indexChunk) -> Bool {
    guard var run, !run.index.complete, !run.indexingFailed else { return false }
    do {
      _ = try run.index.update(budget: budget)
    } catch {
      run.indexingFailed = true
      self.run = run
      state.message = "\(error)"
      return true
    }
    self.run = run
    if run.index.complete {
      noteDamage()
      if state.message == nil { state.message = "indexed the whole run: \(run.steps.count) steps" }
    }
    return true
  }

  mutating func performRun(_ action: Action) {
    guard var run else { return }
    switch action {
    case .previousStep: moveStep(by: -1)
    case .nextStep: moveStep(by: 1)
    case .cycleSort:
      let all = BatchSort.allCases
      run.sort = all[(all.firstIndex(of: run.sort)! + 1) % all.count]
      self.run = run
      batchOrderChanged()
    case .flipSort:
      run.descending.toggle()
      self.run = run
      batchOrderChanged()
    case .cycleFilter:
      let all = OutcomeFilter.allCases
      run.filter = all[(all.firstIndex(of: run.filter)! + 1) % all.count]
      self.run = run
      batchOrderChanged()
    default: break
    }
  }
}
