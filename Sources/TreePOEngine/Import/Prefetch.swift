import Foundation

/// Produces items 0..<count on `workers` threads of their own, handed to the consumer in order,
/// at most `ahead` items before it, so parsing and building the next step files overlaps writing
/// this one (two cores: both stay busy; the consumer only writes).
final class Prefetch<T: Sendable>: @unchecked Sendable {
  private let condition = NSCondition()
  private var ready: [Int: Result<T, any Error>] = [:]
  private var next = 0
  private var consumed = 0
  private var cancelled = false

  init(
    count: Int, workers: Int = 2, ahead: Int = 3,
    produce: @escaping @Sendable (Int) throws -> T
  ) {
    for w in 0..<max(1, min(workers, count)) {
      let thread = Thread { [self] in
        while let i = claim(count: count, ahead: ahead) {
          let result = Result { try produce(i) }
          condition.lock()
          ready[i] = result
          condition.broadcast()
          condition.unlock()
        }
      }
      thread.name = "treepo-import-\(w)"
      thread.start()
    }
  }

  /// The next item to produce, once it is within `ahead` of the consumer; nil when all are taken
  /// or the consumer gave up.
  private func claim(count: Int, ahead: Int) -> Int? {
    condition.lock()
    defer { condition.unlock() }
    while next < count && next - consumed >= ahead && !cancelled { condition.wait() }
    guard next < count, !cancelled else { return nil }
    next += 1
    return next - 1
  }

  /// Stops the producers after the items they are on (the consumer gave up).
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
