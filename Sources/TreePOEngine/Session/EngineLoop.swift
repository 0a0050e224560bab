// The engine thread's side of EngineSession: owns the parts and the current batch, and turns
// commands into rollout rounds and train steps. Everything here runs on the engine thread only.

final class EngineLoop {
  var parts: EngineParts
  unowned let session: EngineSession
  var sampler: TreeSampler? = nil
  var batch = 0
  var trainSteps = 0
  var running = false
  var state = EngineStatus.State.idle
  var message: String? = nil
  /// The train step under way, published with the status.
  var training: TrainProgress? = nil
  var lastProgressPublish = ContinuousClock.now
  /// The round under way and when its progress was last published.
  var progress: RoundProgress? = nil
  var progressPublished = ContinuousClock.now

  init(parts: EngineParts, session: EngineSession) {
    self.parts = parts
    self.session = session
    (parts.decoder as? ModelSegmentDecoder)?.onPosition = { [unowned self] done, of in
      self.decoded(position: done, of: of)
    }
  }

  /// A round's progress, published at most 10 times a second (a tiny model decodes thousands of
  /// positions a second; each publish wakes the UI).
  func decoded(position: Int, of positions: Int) {
    guard var p = progress else { return }
    p.position = position
    p.positions = positions
    progress = p
    let now = ContinuousClock.now
    if now - progressPublished >= .milliseconds(100) {
      progressPublished = now
      publish()
    }
  }

  func run() {
    publish()
    while true {
      guard let command = session.nextCommand(running: running) else {
        // Running with nothing queued: one more round.
        perform { try self.round() }
        state = running ? .running : .idle
        publish()
        continue
      }
      message = nil
      switch command {
      case .stop:
        sampler?.abandon()
        sampler = nil
        state = .stopped
        running = false
        publish()
        return
      case .stepRound:
        running = false
        perform { try self.round() }
      case .run:
        running = true
      case .pause:
        running = false
      case .toggleRun:
        running.toggle()
      case .newBatch:
        running = false
        perform { try self.startBatch() }
      case .trainStep:
        running = false
        perform { try self.train() }
      case .saveWeights:
        saveWeights()
      }
      state = running ? .running : .idle
      publish()
    }
  }

  /// Runs `body`, turning an error into a `failed` status and dropping the broken batch.
  func perform(_ body: () throws -> Void) {
    do {
      try body()
    } catch {
      running = false
      sampler?.abandon()
      sampler = nil
      state = .failed
      message = "engine error: \(error)"
      publish()
      state = .idle
    }
  }

  func emit(_ events: [TreeEvent]) {
    for e in events { session.eventSink(e) }
  }

  func startBatch() throws {
    sampler?.abandon()
    sampler = nil
    // The index moves on even if this batch fails, so a bad batch is skipped, not retried forever.
    let index = batch
    batch += 1
    var config = parts.config
    config.seed = parts.config.seed &+ UInt64(index)
    let s = try TreeSampler(
      decoder: parts.decoder, task: parts.task, tokenizer: parts.tokenizer,
      prompts: parts.prompts(index), config: config, kind: parts.sampler, rolloutIndex: index)
    sampler = s
    emit(try s.begin())
  }

  func round() throws {
    if let s = sampler, s.isDone {
      running = false
      message = "the batch is done: t trains on it, b starts a new one"
      return
    }
    // Busy from here (the prompt prefill of a new batch included), with the round's progress.
    if state != .training { state = running ? .running : .decoding }
    progress = RoundProgress(
      round: (sampler?.round ?? 0) + 1, position: 0, positions: parts.config.segmentLength)
    progressPublished = ContinuousClock.now
    publish()
    defer { progress = nil }
    if sampler == nil { try startBatch() }
    guard let s = sampler else { return }
    emit(try s.step())
    if s.isDone { running = false }
  }

  func train() throws {
    guard let trainer = parts.train else {
      message = "training is not available yet"
      return
    }
    if sampler == nil { try startBatch() }
    guard let s = sampler else { return }
    state = .training
    let start = ContinuousClock.now
    training = TrainProgress(phase: .rollout, fraction: 0, elapsedSeconds: 0, etaSeconds: nil)
    defer { training = nil }
    publish()
    while !s.isDone {
      emit(try s.step())
      training?.elapsedSeconds = seconds(since: start)
      publish()
    }
    emit(
      try trainer(s, trainSteps) { progress in
        self.training = progress
        // At most ten statuses a second: a tiny model's micro-batches take microseconds.
        let now = ContinuousClock.now
        guard progress.fraction >= 1 || now - self.lastProgressPublish > .milliseconds(100)
        else { return }
        self.lastProgressPublish = now
        self.publish()
      })
    trainSteps += 1
  }

  /// A failed save is a note, not an engine failure: the batch and the weights stay as they are.
  func saveWeights() {
    guard let save = parts.saveWeights else {
      message = "saving weights is not available in this session"
      return
    }
    do {
      let path = try save(trainSteps)
      emit([.checkpointSaved(CheckpointSaved(step: trainSteps, path: path))])
      message = "weights saved to \(path)"
    } catch {
      message = "could not save the weights: \(error)"
    }
  }

  func publish() {
    session.publish(
      EngineStatus(
        state: state == .idle && running ? .running : state, batch: batch,
        round: sampler?.round ?? 0, batchDone: sampler?.isDone ?? false, trainSteps: trainSteps,
        message: message, training: state == .training ? training : nil,
        progress: progress))
  }
}
