import TreePOTrace

// A big step shown per tree: its prompts come from its `rollout_started`, the batch list from the
// index's summaries, and only the shown prompt's tree is decoded (its lines and the step's shared
// ones), when it becomes the shown one — after any key (`handle`), a step move, a search. The
// timeline then holds that tree's events: scrubbing replays how it grew. The last few trees are
// kept, so going back and forth between prompts reads nothing again.

extension Explorer {
  mutating func showStepPerTree(_ i: Int) {
    guard var run else { return }
    do {
      run.started = try run.index.rolloutStarted(ofStep: i)
    } catch {
      state.message = "\(error)"
      return
    }
    run.step = i
    run.loadedPrompt = nil
    self.run = run
    state.treeScroll = 0
    state.promptPosition = batchOrder.first ?? 0
    loadShownTree()
    keepStepVisible()
    noteStepDamage()
  }

  /// Decodes the shown prompt's tree when it is not the one in the timeline (a step shown whole:
  /// nothing to do).
  public mutating func loadShownTree() {
    guard var run, let started = run.started, run.loadedPrompt != state.promptPosition,
      started.prompts.indices.contains(state.promptPosition)
    else { return }
    let p = state.promptPosition
    let events: [TreeEvent]
    if let hit = run.cache.first(where: { $0.step == run.step && $0.prompt == p }) {
      events = hit.events
    } else {
      do {
        let tree = try run.index.tree(ofStep: run.step, prompt: p)
        events = tree.events
        if let warning = tree.warnings.first { state.message = warning }
      } catch {
        state.message = "\(error)"
        return
      }
    }
    run.remember(step: run.step, prompt: p, events: events)
    run.loadedPrompt = p
    self.run = run
    let timeline = Timeline(events: [.rolloutStarted(started)] + events)
    self.timeline = timeline
    store = timeline.store
  }

  /// The shown step grew (following a run): its tree is read again, when the view was at the end.
  mutating func refreshShownTree() {
    guard var run else { return }
    guard run.perTree else { return showStep(run.step) }
    if let timeline, timeline.position < timeline.events.count { return }
    run.cache.removeAll { $0.step == run.step }
    run.loadedPrompt = nil
    self.run = run
    loadShownTree()
  }

  /// One prompt's tree of step `i` on its own (for a search through a step shown per tree).
  func tree(step i: Int, prompt p: Int, started: RolloutStarted) -> PromptTree? {
    guard let run, started.prompts.indices.contains(p) else { return nil }
    let events =
      run.cache.first { $0.step == i && $0.prompt == p }?.events
      ?? (try? run.index.tree(ofStep: i, prompt: p).events)
    guard let events else { return nil }
    // A rollout of this prompt alone: events name it by its batch index, as in the whole step.
    var store = TreeStore()
    store.apply(
      .rolloutStarted(
        RolloutStarted(
          rollout: started.rollout, sampler: started.sampler, prompts: [started.prompts[p]],
          config: started.config)))
    for event in events { store.apply(event) }
    return store.current?.prompts.first
  }

  // MARK: - Damaged lines

  /// In the status bar: the shown step's first damaged line.
  mutating func noteStepDamage() {
    guard let run, run.steps.indices.contains(run.step), let d = run.steps[run.step].damage
    else { return }
    let n = run.steps[run.step].damagedLines
    state.message =
      "line \(d.line) \(d.reason)"
      + (n > 1 ? "; \(n) damaged lines in this step, left out" : "; left out")
  }

  /// On open: how many steps have damaged lines, and the first (the shown step's own note wins).
  mutating func noteDamage() {
    guard let run, state.message == nil else { return }
    let damaged = run.steps.indices.filter { run.steps[$0].damage != nil }
    guard let first = damaged.first, let d = run.steps[first].damage else { return }
    state.message =
      "\(damaged.count) of \(run.steps.count) steps have damaged lines; first: step "
      + "\(run.steps[first].summary.rollout), line \(d.line) \(d.reason)"
  }
}
