import Foundation
import TreePOEngine

/// Where the engine thread leaves events for the UI thread: a lock-protected list plus a wake-up.
/// The engine never waits on the UI (appending is O(1) under the lock); the UI takes everything
/// at once and renders once per batch, so a fast engine costs one frame per wake-up, not per event.
final class EventInbox: @unchecked Sendable {
  private let lock = NSLock()
  private var events: [TreeEvent] = []
  private var status: EngineStatus?
  private let wake: WakePipe

  init(wake: WakePipe) {
    self.wake = wake
  }

  /// Any thread.
  func post(_ event: TreeEvent) {
    lock.lock()
    let wasEmpty = events.isEmpty && status == nil
    events.append(event)
    lock.unlock()
    if wasEmpty { wake.wake() }
  }

  /// Any thread. Only the latest status matters.
  func post(_ newStatus: EngineStatus) {
    lock.lock()
    let wasEmpty = events.isEmpty && status == nil
    status = newStatus
    lock.unlock()
    if wasEmpty { wake.wake() }
  }

  /// Main thread: everything posted since the last call.
  func take() -> (events: [TreeEvent], status: EngineStatus?) {
    lock.lock()
    let taken = (events, status)
    events = []
    status = nil
    lock.unlock()
    return taken
  }
}
