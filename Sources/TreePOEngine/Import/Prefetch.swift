import Foundation

/// Produces items 0..<count in order on a thread of its own, at most `ahead` items before the
/// consumer, so reading and parsing the next step file overlaps building and writing this one
/// (two cores: the import runs about twice as fast as strictly in turn).
final class Prefetch<T: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var ready: [Int: Result<T, any Error>] = [:]
  private var consumed = 0
  private var cancelled = false

  init(count: Int, ahead: Int = 2, produce: @escaping @Sendable (Int) throws -> T) {
    let thread = Thread { [self] in
      for i in 0..<count {
        condition.lock()
        while i - consumed >= ahead && !cancelled { condition.wait() }
        let stop = cancelled
        condition.unlock()
        if stop { return }
        let result = Result { try produce(i) }
        condition.lock()
        ready[i] = result
        condition.broadcast()
        condition.unlock()
      }
    }
    thread.name = "treepo-import-read"
    thread.start()
  }

  /// Stops the producer after the item it is on (the consumer gave up).
  deinit { cancel() }

  func cancel() {
    condition.lock()
    cancelled = true
    condition.broadcast()
    condition.unlock()
  }

  /// Item `i` (call in order 0, 1, …), rethrowing the producer's error for it.
  func take(_ i: Int) throws -> T {
    condition.lock()
    while ready[i] == nil { condition.wait() }
    let result = ready.removeValue(forKey: i)!
    consumed = i + 1
    condition.broadcast()
    condition.unlock()
    return try result.get()
  }
}
