import TreePOEngine
import TreePOExplorer

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The explorer as the terminal loop sees it (conformed to by `Explorer`).
protocol ExplorerScreen {
  mutating func apply(_ event: TreeEvent)
  mutating func handle(_ key: Key) -> [ExplorerCommand]
  func render(size: Size) -> CellGrid
  mutating func setEngineStatus(busy: Bool, running: Bool, error: String?)
  /// The train step under way (phase, percent, ETA) for the Training pane; nil when none.
  mutating func setTrainProgress(_ progress: TrainProgressLine?)
  /// How far the round under way is ("round 2 · 7/16 tok"), nil when none is.
  mutating func setEngineProgress(_ progress: String?)
  /// The terminal's size (mouse hit-testing and paging use it).
  mutating func resize(_ size: Size)
  /// A one-line notice in the status bar (e.g. where a trace was saved).
  mutating func setMessage(_ message: String?)
  var wantsQuit: Bool { get }
}

/// The live engine as the loop sees it: commands are queued, never waited for.
protocol LiveEngine: AnyObject {
  func perform(_ command: ExplorerCommand)
  /// Stops the engine thread (on quit).
  func shutdown()
}

/// The main thread's loop: sleep in poll() on stdin and the wake pipe; on waking, turn keys into
/// explorer actions, forward engine commands, apply the engine's events, and draw once.
struct TerminalLoop<Screen: ExplorerScreen> {
  var screen: Screen
  let terminal: Terminal
  let wake: WakePipe
  var inbox: EventInbox?
  var engine: LiveEngine?
  /// Writes the trace so far and returns its path (live mode); nil in replay.
  var saveTrace: (() throws -> String)?
  /// Called every `tickMs` (and on every wake-up) when set; true means redraw (`replay --follow`
  /// polls the trace's size this way).
  var tick: ((inout Screen) -> Bool)?
  var tickMs: Int32 = 250
  private var quitRequested = false

  init(
    screen: Screen, terminal: Terminal, wake: WakePipe, inbox: EventInbox? = nil,
    engine: LiveEngine? = nil, saveTrace: (() throws -> String)? = nil
  ) {
    self.screen = screen
    self.terminal = terminal
    self.wake = wake
    self.inbox = inbox
    self.engine = engine
    self.saveTrace = saveTrace
  }

  /// Runs until the explorer asks to quit (exit status 0) or a quit signal arrives (128 + signal).
  /// The caller closes the terminal.
  mutating func run() -> Int32 {
    screen.resize(terminal.size)
    terminal.draw(screen.render(size: terminal.size))
    while true {
      let wakeup = wake.wait(timeoutMs: tick == nil ? -1 : tickMs)
      if let signal = wakeup.signals.first(where: { $0 != SIGWINCH }) {
        engine?.shutdown()
        return 128 + signal
      }
      var dirty = tick?(&screen) ?? false
      for input in terminal.readInput() {
        dirty = true
        switch input {
        case .resize:
          terminal.resized()
          screen.resize(terminal.size)
        case .key(let key):
          for command in screen.handle(key) { perform(command) }
        }
      }
      if let inbox {
        let (events, status) = inbox.take()
        for event in events { screen.apply(event) }
        if let status { show(status) }
        dirty = dirty || !events.isEmpty || status != nil
      }
      if screen.wantsQuit || quitRequested {
        engine?.shutdown()
        return 0
      }
      if dirty { terminal.draw(screen.render(size: terminal.size)) }
    }
  }

  /// Failures go to the status bar as errors; other notes ("training is not available yet") as
  /// messages.
  private mutating func show(_ status: EngineStatus) {
    let failed = status.state == .failed
    screen.setEngineStatus(
      busy: [.starting, .decoding, .running, .training].contains(status.state),
      running: status.state == .running, error: failed ? status.message : nil)
    screen.setEngineProgress(
      status.progress.map { "round \($0.round) · \($0.position)/\($0.positions) tok" })
    if !failed, let message = status.message { screen.setMessage(message) }
    screen.setTrainProgress(
      status.training.map {
        TrainProgressLine(
          phase: $0.phase.rawValue, fraction: $0.phase == .rollout ? nil : $0.fraction,
          elapsedSeconds: $0.elapsedSeconds, etaSeconds: $0.etaSeconds)
      })
  }

  private mutating func perform(_ command: ExplorerCommand) {
    switch command {
    case .quit:
      quitRequested = true
    case .redraw:
      terminal.invalidate()
    case .saveTrace:
      guard let saveTrace else {
        screen.setMessage("This trace is already a file: nothing to save in replay.")
        return
      }
      do {
        screen.setMessage("Trace saved to \(try saveTrace())")
      } catch {
        screen.setMessage("Could not save the trace: \(error)")
      }
    case .stepRound, .toggleRun, .trainStep, .newBatch, .saveWeights:
      engine?.perform(command)
    }
  }
}
