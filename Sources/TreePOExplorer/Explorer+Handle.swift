import TreePOTrace

// Key dispatch: the search line and the help overlay take keys first; everything else goes through
// the KeyMap table. Navigation moves the selection over the Tree pane's visible rows.

extension Explorer {
  public mutating func handle(_ key: Key) -> [ExplorerCommand] {
    let commands = dispatch(key)
    loadShownTree()  // a run's big step: the tree now shown is read (Run/Explorer+RunTrees.swift)
    return commands
  }

  private mutating func dispatch(_ key: Key) -> [ExplorerCommand] {
    let hadMessage = state.message != nil
    state.message = nil
    if state.search.draft != nil { return handleSearchInput(key) }
    if state.helpScroll != nil { return handleHelp(key) }
    if case .mouseClick(let x, let y) = key {
      click(x: x, y: y)
      return []
    }
    guard let (binding, why) = KeyMap.binding(for: key, in: self) else { return [] }
    if let why {
      state.message = "\(binding.label): \(why)"
      return []
    }
    if binding.action == .cancel && !hadMessage { state.engineError = nil }
    // `q` with trained weights not yet saved: offer `w` once; a second `q` quits (Ctrl-C always).
    let offered = state.quitOffered
    state.quitOffered = false
    if binding.action == .quit, key != .control("c"), !offered, state.weightsUnsaved, !isReplay {
      state.quitOffered = true
      state.message = "trained weights not saved: w saves them, q again quits"
      return []
    }
    let commands = perform(binding.action)
    keepSelectionVisible()
    return commands
  }

  mutating func perform(_ action: Action) -> [ExplorerCommand] {
    switch action {
    case .stepRound: return [.stepRound]
    case .toggleRun:
      state.hasRun = true
      return [.toggleRun]
    case .trainStep:
      state.trainingRequested = true
      return [.trainStep]
    case .newBatch: return [.newBatch]
    case .saveTrace: return [.saveTrace]
    case .saveWeights: return [.saveWeights]
    case .redraw: return [.redraw]
    case .quit:
      state.wantsQuit = true
      return [.quit]
    case .help: state.helpScroll = 0
    case .cancel: state.search.query = ""
    case .previousPrompt: switchPrompt(by: -1)
    case .nextPrompt: switchPrompt(by: 1)
    case .nextNode, .previousNode:
      if state.focus == .steps {
        moveStep(by: action == .nextNode ? 1 : -1)
      } else if state.focus == .batch {
        switchPrompt(by: action == .nextNode ? 1 : -1)
      } else {
        moveInRows(by: action == .nextNode ? 1 : -1)
      }
    case .parent:
      if let id = selectedNode, let parent = promptTree?.nodes[id]?.parent { select(parent) }
    case .child:
      if let id = selectedNode, let first = promptTree?.nodes[id]?.children.first {
        unfold(id)
        select(first)
      }
    case .nextSibling, .previousSibling: moveToSibling(by: action == .nextSibling ? 1 : -1)
    case .toggleFold: toggleFold()
    case .top: if let first = rows.first { select(first.node) }
    case .bottom: if let last = rows.last { select(last.node) }
    case .pageUp: moveInRows(by: -max(1, treeViewHeight - 1))
    case .pageDown: moveInRows(by: max(1, treeViewHeight - 1))
    case .scrollUp, .scrollDown: scroll(by: action == .scrollUp ? -3 : 3)
    case .select: break
    case .search: state.search.draft = ""
    case .nextMatch: isRun ? runJumpToMatch(forward: true) : jumpToMatch(forward: true)
    case .previousMatch: isRun ? runJumpToMatch(forward: false) : jumpToMatch(forward: false)
    case .cycleColouring:
      let all = Colouring.allCases
      state.colouring = all[(all.firstIndex(of: state.colouring)! + 1) % all.count]
    case .switchFocus:
      let cycle: [Focus] = isRun ? [.tree, .batch, .steps] : [.tree, .batch]
      state.focus = cycle[((cycle.firstIndex(of: state.focus) ?? 0) + 1) % cycle.count]
    case .eventBack: seek { $0.position - 1 }
    case .eventForward: seek { $0.position + 1 }
    case .roundBack: seek { $0.previousRoundMark }
    case .roundForward: seek { $0.nextRoundMark }
    case .timelineStart: seek { _ in 0 }
    case .timelineEnd: seek { $0.events.count }
    case .previousStep, .nextStep, .cycleSort, .flipSort, .cycleFilter: performRun(action)
    case .pathPageUp, .pathPageDown, .pathStart, .pathEnd: scrollPath(action)
    }
    return []
  }

  // MARK: - Selection

  mutating func select(_ node: Int) {
    guard let key = promptKey else { return }
    state.selection[key] = node
    if state.pathScroll?.node != node { state.pathScroll = nil }
  }

  private mutating func moveInRows(by delta: Int) {
    let rows = rows
    guard !rows.isEmpty else { return }
    let current = rows.firstIndex { $0.node == selectedNode } ?? 0
    select(rows[min(max(0, current + delta), rows.count - 1)].node)
  }

  private mutating func moveToSibling(by delta: Int) {
    guard let tree = promptTree, let id = selectedNode, let parent = tree.nodes[id]?.parent,
      let siblings = tree.nodes[parent]?.children, let i = siblings.firstIndex(of: id)
    else { return }
    let j = i + delta
    if siblings.indices.contains(j) { select(siblings[j]) }
  }

  private mutating func switchPrompt(by delta: Int) {
    if isRun { return moveInBatch(by: delta) }
    let count = store.current?.prompts.count ?? 0
    guard count > 0 else { return }
    state.promptPosition = min(max(0, state.promptPosition + delta), count - 1)
    state.treeScroll = 0
  }

  private mutating func toggleFold() {
    guard let key = promptKey, let id = selectedNode,
      promptTree?.nodes[id]?.children.isEmpty == false
    else { return }
    let nodeKey = ExplorerState.NodeKey(rollout: key.rollout, prompt: key.prompt, node: id)
    if state.folded.contains(nodeKey) {
      state.folded.remove(nodeKey)
    } else {
      state.folded.insert(nodeKey)
    }
  }

  private mutating func unfold(_ node: Int) {
    guard let key = promptKey else { return }
    state.folded.remove(.init(rollout: key.rollout, prompt: key.prompt, node: node))
  }

  // MARK: - Search

  private mutating func handleSearchInput(_ key: Key) -> [ExplorerCommand] {
    var draft = state.search.draft ?? ""
    switch key {
    case .character(let c): draft.append(c)
    case .backspace: if !draft.isEmpty { draft.removeLast() }
    case .escape:
      state.search.draft = nil
      return []
    case .enter:
      state.search.draft = nil
      state.search.query = draft
      if !draft.isEmpty {
        if isRun {
          runJumpToMatch(forward: true, includeCurrent: true)
        } else {
          jumpToMatch(forward: true, includeCurrent: true)
        }
      }
      keepSelectionVisible()
      return []
    case .control("c"):
      state.wantsQuit = true
      return [.quit]
    default: break
    }
    state.search.draft = draft
    return []
  }

  public func matches(_ node: TreeNode) -> Bool {
    let query = state.search.query
    return !query.isEmpty && node.text.localizedCaseInsensitiveContains(query)
  }

  private mutating func jumpToMatch(forward: Bool, includeCurrent: Bool = false) {
    guard let tree = promptTree, !state.search.query.isEmpty else { return }
    let order = tree.depthFirstOrder
    let hits = order.filter { tree.nodes[$0].map(matches) ?? false }
    guard !hits.isEmpty else {
      state.message = "no node text matches \"\(state.search.query)\""
      return
    }
    let here = order.firstIndex(of: selectedNode ?? -1) ?? -1
    // A damaged trace can give two nodes one id: the first position counts.
    let rank = Dictionary(order.enumerated().map { ($1, $0) }) { first, _ in first }
    let target: Int
    if forward {
      target =
        hits.first { rank[$0]! > here || (includeCurrent && rank[$0]! == here) } ?? hits[0]
    } else {
      target = hits.last { rank[$0]! < here } ?? hits[hits.count - 1]
    }
    // Unfold the ancestors so the match is visible.
    for ancestor in tree.path(to: target).dropLast() { unfold(ancestor) }
    select(target)
    let n = hits.firstIndex(of: target)! + 1
    state.message = "match \(n)/\(hits.count) for \"\(state.search.query)\""
  }

  // MARK: - Help overlay

  private mutating func handleHelp(_ key: Key) -> [ExplorerCommand] {
    switch key {
    case .down, .character("j"), .scrollDown: state.helpScroll! += 1
    case .up, .character("k"), .scrollUp: state.helpScroll = max(0, state.helpScroll! - 1)
    case .pageDown: state.helpScroll! += 10
    case .pageUp: state.helpScroll = max(0, state.helpScroll! - 10)
    case .control("c"):
      state.wantsQuit = true
      return [.quit]
    default: state.helpScroll = nil
    }
    return []
  }

  // MARK: - Replay

  /// Moves the timeline and says in the status bar which event was applied or undone (the
  /// position itself is in the status bar: "event 12/371").
  private mutating func seek(_ target: (Timeline) -> Int) {
    guard var timeline else { return }
    let before = timeline.position
    timeline.seek(to: target(timeline))
    store = timeline.store
    self.timeline = timeline
    let count = store.current?.prompts.count ?? 0
    state.promptPosition = min(state.promptPosition, max(0, count - 1))
    let at = timeline.position
    if at == before {
      state.message = at == 0 ? "at the start of the trace" : "at the end of the trace"
    } else if at == 0 {
      state.message = "at the start of the trace: no event applied"
    } else if at > before {
      state.message = "applied: \(describe(timeline.events[at - 1]))"
    } else if before - at == 1 {
      state.message = "undid: \(describe(timeline.events[before - 1]))"
    } else {
      let last = describe(timeline.events[at - 1])
      state.message = "undid \(before - at) events; last applied: \(last)"
    }
  }

  // MARK: - Scrolling and the mouse

  var treeViewHeight: Int { ExplorerLayout(size: state.viewSize).tree.inner.height }

  /// The first row shown for a stored offset: the selection always in view, no empty tail.
  func treeOffset(rows: [TreeRow], stored: Int, height: Int) -> Int {
    var offset = stored
    if let sel = rows.firstIndex(where: { $0.node == selectedNode }) {
      if sel < offset { offset = sel }
      if sel >= offset + height { offset = sel - height + 1 }
    }
    return min(max(0, offset), max(0, rows.count - height))
  }

  mutating func keepSelectionVisible() {
    state.treeScroll = treeOffset(rows: rows, stored: state.treeScroll, height: treeViewHeight)
  }

  private mutating func scroll(by delta: Int) {
    let rows = rows
    let height = treeViewHeight
    guard !rows.isEmpty, height > 0 else { return }
    let offset = min(max(0, state.treeScroll + delta), max(0, rows.count - height))
    state.treeScroll = offset
    // Keep the selection inside the view so the next render does not scroll back.
    let sel = rows.firstIndex { $0.node == selectedNode } ?? 0
    if sel < offset { select(rows[offset].node) }
    if sel >= offset + height { select(rows[offset + height - 1].node) }
  }

  private mutating func click(x: Int, y: Int) {
    let layout = layout(for: state.viewSize)
    guard !layout.tooSmall else { return }
    if layout.tree.inner.contains(x: x, y: y) {
      state.focus = .tree
      let rows = rows
      let i = state.treeScroll + (y - layout.tree.inner.y)
      if rows.indices.contains(i) { select(rows[i].node) }
    } else if layout.batch.inner.contains(x: x, y: y) {
      state.focus = .batch
      let first = batchFirstRow(height: layout.batch.inner.height)
      let i = first + (y - layout.batch.inner.y)
      let order = batchOrder
      if i < order.count {
        state.promptPosition = order[i]
        state.treeScroll = 0
      }
    } else if layout.steps.inner.contains(x: x, y: y), let run {
      state.focus = .steps
      let i = run.stepScroll + (y - layout.steps.inner.y - 1)
      if y > layout.steps.inner.y, run.steps.indices.contains(i), i != run.step { showStep(i) }
    }
  }

  /// First prompt shown in the Batch pane: the current prompt in view.
  func batchFirstRow(height: Int) -> Int {
    let order = batchOrder
    let count = order.count
    guard height > 0, count > height else { return 0 }
    let here = order.firstIndex(of: state.promptPosition) ?? 0
    return min(max(0, here - height / 2), count - height)
  }
}
