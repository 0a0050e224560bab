// The live engine for the explorer: a thread of its own that takes commands from a queue and
// hands every event to a sink. Callers never block: `send` appends and signals; the engine thread
// waits on a condition when it has nothing to do. Errors become a status, never a crash.

import Foundation

public enum EngineCommand: String, Sendable, Equatable, CaseIterable {
  /// Decode one round of the current batch (starting a batch if there is none).
  case stepRound
  /// Decode rounds until the batch is done or a pause.
  case run
  case pause
  /// run when paused, pause when running.
  case toggleRun
  /// One PPO update on the current batch's trees (finishing the batch first if needed).
  case trainStep
  /// Drop the current batch and start the next.
  case newBatch
  /// Save the weights as they are now (`EngineParts.saveWeights`); emits `checkpointSaved`.
  case saveWeights
  /// End the session; the engine thread exits.
  case stop
}

/// How far the round under way is: positions of its segments decoded so far.
public struct RoundProgress: Sendable, Equatable {
  public var round: Int
  public var position: Int
  public var positions: Int
  public init(round: Int, position: Int, positions: Int) {
    self.round = round
    self.position = position
    self.positions = positions
  }
}

public struct EngineStatus: Sendable, Equatable {
  public enum State: String, Sendable, Equatable {
    /// `decoding`: one round asked for (space) is under way; `running`: rounds until a pause.
    case starting, idle, decoding, running, training, stopped, failed
  }
  public var state: State
  /// Batches started so far (the current one is batch − 1).
  public var batch: Int
  public var round: Int
  public var batchDone: Bool
  public var trainSteps: Int
  /// A one-sentence note for the status bar ("training is not available yet", an error, …).
  public var message: String?
  /// How far the train step under way is (state `training`), nil otherwise.
  public var training: TrainProgress?
  /// The round being decoded, while one is (nil otherwise).
  public var progress: RoundProgress?
  public init(
    state: State, batch: Int = 0, round: Int = 0, batchDone: Bool = false, trainSteps: Int = 0,
    message: String? = nil, training: TrainProgress? = nil, progress: RoundProgress? = nil
  ) {
    self.progress = progress
    self.state = state
    self.batch = batch
    self.round = round
    self.batchDone = batchDone
    self.trainSteps = trainSteps
    self.message = message
    self.training = training
  }
}

public final class EngineSession: @unchecked Sendable {
  public typealias EventSink = @Sendable (TreeEvent) -> Void
  public typealias StatusSink = @Sendable (EngineStatus) -> Void

  // Shared between callers and the engine thread, guarded by `condition`.
  let condition = NSCondition()
  var queue: [EngineCommand] = []
  var latestStatus = EngineStatus(state: .starting)
  var finished = false
  /// The engine thread is waiting for a command (nothing queued, not running).
  var engineWaiting = false

  let eventSink: EventSink
  let statusSink: StatusSink
  var thread: Thread?

  /// Starts the engine thread, which first builds its parts with `make` (a failure is reported as
  /// a `failed` status and the session ends).
  public init(
    events: @escaping EventSink, status: @escaping StatusSink = { _ in },
    make: @escaping @Sendable () throws -> EngineParts
  ) {
    eventSink = events
    statusSink = status
    let thread = Thread { [self] in
      var engine: EngineLoop? = nil
      do {
        engine = EngineLoop(parts: try make(), session: self)
      } catch {
        self.publish(EngineStatus(state: .failed, message: "the engine could not start: \(error)"))
      }
      engine?.run()
      self.condition.lock()
      self.finished = true
      self.condition.broadcast()
      self.condition.unlock()
    }
    thread.name = "treepo-engine"
    thread.stackSize = 8 << 20
    self.thread = thread
    thread.start()
  }

  /// Queues a command; returns at once.
  public func send(_ command: EngineCommand) {
    condition.lock()
    if command == .stop {
      // Nothing queued matters once the session ends.
      queue = [.stop]
    } else {
      queue.append(command)
    }
    condition.broadcast()
    condition.unlock()
  }

  /// The last status the engine published.
  public var status: EngineStatus {
    condition.lock()
    defer { condition.unlock() }
    return latestStatus
  }

  /// Sends `stop` and waits (at most `timeout` seconds) for the engine thread to end.
  @discardableResult
  public func shutdown(timeout: Double = 30) -> Bool {
    send(.stop)
    let deadline = Date(timeIntervalSinceNow: timeout)
    condition.lock()
    defer { condition.unlock() }
    while !finished {
      if !condition.wait(until: deadline) { return finished }
    }
    return true
  }

  /// Waits until the engine has nothing queued and is not running (for tests and headless use).
  @discardableResult
  public func waitUntilIdle(timeout: Double = 30) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    condition.lock()
    defer { condition.unlock() }
    while !finished && !(engineWaiting && queue.isEmpty) {
      if !condition.wait(until: deadline) { return false }
    }
    return true
  }

  func publish(_ status: EngineStatus) {
    condition.lock()
    latestStatus = status
    condition.broadcast()
    condition.unlock()
    statusSink(status)
  }

  /// The next command; blocks while there is none, unless `running` (then nil at once).
  func nextCommand(running: Bool) -> EngineCommand? {
    condition.lock()
    defer { condition.unlock() }
    while queue.isEmpty && !running {
      engineWaiting = true
      condition.broadcast()
      condition.wait()
    }
    engineWaiting = false
    return queue.isEmpty ? nil : queue.removeFirst()
  }
}
