// Everything the user changes that is not in the events: selection, folds, focus, colouring,
// search, overlay, scroll, engine status. Pure values; the Explorer owns one.

public enum ColorDepth: String, Sendable, CaseIterable {
  /// NO_COLOR / --no-color: attributes (bold, reverse, underline) only; glyphs and signs carry
  /// meaning.
  case none
  /// The 8 basic colours: bright colours become their basic colour.
  case colors8
  /// 256-colour terminals: the 16 named colours as drawn.
  case colors256
}

/// What the Path pane's token colours show (`c` cycles).
public enum Colouring: String, Sendable, CaseIterable {
  case entropy, probability, advantage
}

public enum Focus: String, Sendable, CaseIterable {
  case tree, batch
  /// A run's step list.
  case steps
}

public enum ExplorerModeName: String, Sendable {
  case live = "LIVE"
  case paused = "PAUSED"
  case running = "RUNNING"
  case training = "TRAINING"
  case replay = "REPLAY"
}

public struct SearchState: Sendable, Equatable {
  /// The committed query (n/N jump between its matches).
  public var query = ""
  /// Non-nil while the user types after `/`.
  public var draft: String?
}

public struct ExplorerState: Sendable, Equatable {
  public struct PromptKey: Hashable, Sendable {
    public var rollout: Int
    public var prompt: Int
  }
  public struct NodeKey: Hashable, Sendable {
    public var rollout: Int
    public var prompt: Int
    public var node: Int
  }

  /// Position of the shown prompt in the current rollout's batch.
  public var promptPosition = 0
  /// Selected node per (rollout, prompt); the root when missing.
  public var selection: [PromptKey: Int] = [:]
  public var folded: Set<NodeKey> = []
  public var focus: Focus = .tree
  public var colouring: Colouring = .entropy
  public var search = SearchState()
  /// Non-nil while the help overlay is shown: its scroll offset.
  public var helpScroll: Int?
  public var treeScroll = 0
  /// The Path pane scrolled up from the selected node's end (nil: it follows the end).
  public var pathScroll: PathScroll?
  /// What the panes derived from long texts (a cache: the screen is the same without it).
  public var memo = RenderMemo()
  /// A one-line note in the status bar (e.g. why a key is unavailable); cleared by the next key.
  public var message: String?
  public var engineBusy = false
  public var engineRunning = false
  public var engineError: String?
  /// The round under way, as the driver words it ("round 2 · 7/16 tok").
  public var engineProgress: String?
  /// Run was toggled at least once (tells PAUSED from LIVE).
  public var hasRun = false
  /// A train step was asked for and has not reported yet.
  public var trainingRequested = false
  /// How far the train step under way is (live), shown in the Training pane.
  public var trainProgress: TrainProgressLine?
  public var wantsQuit = false
  /// A train step changed the weights since they were last saved (live).
  public var weightsUnsaved = false
  /// `q` was pressed once with unsaved weights and the offer to save them is showing.
  public var quitOffered = false
  /// The terminal size the driver last reported (mouse hit-testing, paging, scrolling).
  public var viewSize = Size(width: 100, height: 30)

  public init() {}
}

/// A train step's progress as the Training pane shows it: "update ▕████░░░░▏ 42% · 1m05s left".
public struct TrainProgressLine: Sendable, Equatable {
  public var phase: String
  /// 0…1 of the step's work; nil while the batch is still being decoded.
  public var fraction: Double?
  public var elapsedSeconds: Double
  public var etaSeconds: Double?

  public init(phase: String, fraction: Double?, elapsedSeconds: Double, etaSeconds: Double?) {
    self.phase = phase
    self.fraction = fraction
    self.elapsedSeconds = elapsedSeconds
    self.etaSeconds = etaSeconds
  }
}
