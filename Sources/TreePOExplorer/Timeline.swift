import TreePOTrace

// Replay: all events of a trace and a position in them. Scrubbing re-reduces from the nearest
// snapshot (one every `snapshotInterval` events), so any jump costs at most that many events.
// Snapshots share storage with each other (copy-on-write), so each holds little more than the
// parts of the trees that changed since the previous one.

public struct Timeline: Sendable {
  public static let snapshotInterval = 256

  public private(set) var events: [TreeEvent]
  /// Number of events applied (0 = nothing yet, `events.count` = the end).
  public private(set) var position: Int
  /// `snapshots[i]` is the store after `i * snapshotInterval` events.
  private var snapshots: [TreeStore]
  /// Positions just after each `round_finished` and `rollout_started`, ascending.
  public private(set) var roundMarks: [Int] = []

  /// Reduces every event once; `store` is the state at the end.
  public init(events: [TreeEvent]) {
    self.events = []
    position = 0
    snapshots = [TreeStore()]
    store = TreeStore()
    var end = TreeStore()
    for event in events { append(event, to: &end) }
    store = end
  }

  /// The state at `position`.
  public private(set) var store: TreeStore

  /// Adds an event at the end (a trace still being written); the view follows only when at the end.
  public mutating func append(_ event: TreeEvent) {
    if position == events.count {
      var s = store
      append(event, to: &s)
      store = s
    } else {
      let keep = position
      var end = storeAt(events.count)
      append(event, to: &end)
      position = keep
    }
  }

  private mutating func append(_ event: TreeEvent, to store: inout TreeStore) {
    events.append(event)
    store.apply(event)
    position = events.count
    switch event {
    case .roundFinished, .rolloutStarted: roundMarks.append(events.count)
    default: break
    }
    if events.count % Self.snapshotInterval == 0 { snapshots.append(store) }
  }

  public mutating func seek(to target: Int) {
    let target = min(max(0, target), events.count)
    guard target != position else { return }
    store = storeAt(target)
    position = target
  }

  /// The store after `target` events: continue from the current position when that is closer.
  private func storeAt(_ target: Int) -> TreeStore {
    let snap = min(target / Self.snapshotInterval, snapshots.count - 1)
    var base = snapshots[snap]
    var from = snap * Self.snapshotInterval
    if position <= target && position > from {
      base = store
      from = position
    }
    for i in from..<target { base.apply(events[i]) }
    return base
  }

  /// The next round mark after the position (or the end).
  public var nextRoundMark: Int {
    roundMarks.first { $0 > position } ?? events.count
  }
  /// The last round mark before the position (or the start).
  public var previousRoundMark: Int {
    roundMarks.last { $0 < position } ?? 0
  }
}
