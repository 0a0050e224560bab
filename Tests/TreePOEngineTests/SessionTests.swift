import Foundation
import Testing
import TreePOEngine

/// Collects what the engine thread hands out.
final class EngineRecorder: @unchecked Sendable {
  private let lock = NSLock()
  private var _events: [TreeEvent] = []
  private var _statuses: [EngineStatus] = []
  var events: [TreeEvent] { lock.withLock { _events } }
  var statuses: [EngineStatus] { lock.withLock { _statuses } }
  func record(_ e: TreeEvent) { lock.withLock { _events.append(e) } }
  func record(_ s: EngineStatus) { lock.withLock { _statuses.append(s) } }

  func count(_ kind: String) -> Int { events.filter { $0.kind == kind }.count }
}

@Suite struct SessionTests {
  static func parts(
    n: Int = 4, prompts: [String] = ["1 2>", "3>"],
    train: EngineParts.TrainHook? = nil
  ) -> EngineParts {
    var config = RolloutConfig()
    config.n = n
    config.segmentLength = 4
    config.maxResponseTokens = 24
    let model = TinyModel.model()
    return EngineParts(
      decoder: TinyModel.decoder(model), task: ToyTask(), tokenizer: TinyModel.tokenizer,
      config: config, prompts: { _ in prompts }, train: train)
  }

  func session(_ recorder: EngineRecorder, _ make: @escaping @Sendable () throws -> EngineParts)
    -> EngineSession
  {
    EngineSession(events: { recorder.record($0) }, status: { recorder.record($0) }, make: make)
  }

  @Test func stepsRunsAndStartsBatchesOnItsOwnThread() throws {
    let recorder = EngineRecorder()
    let s = session(recorder) { Self.parts() }
    s.send(.stepRound)
    s.send(.stepRound)
    #expect(s.waitUntilIdle())
    #expect(recorder.count("rollout_started") == 1 && recorder.count("round_finished") == 2)
    #expect(s.status.round == 2 && s.status.state == .idle && !s.status.batchDone)

    s.send(.run)
    #expect(s.waitUntilIdle())
    #expect(s.status.batchDone)
    guard case .roundFinished(let last) = recorder.events.last else {
      Issue.record("a run ends with a round")
      return
    }
    #expect(last.done)
    #expect(recorder.statuses.contains { $0.state == .running })

    // A done batch says so instead of decoding more.
    s.send(.stepRound)
    #expect(s.waitUntilIdle())
    #expect(s.status.message?.contains("the batch is done") == true)

    s.send(.newBatch)
    #expect(s.waitUntilIdle())
    let started = recorder.events.compactMap { e -> RolloutStarted? in
      if case .rolloutStarted(let r) = e { return r }
      return nil
    }
    #expect(started.map(\.rollout) == [0, 1])
    #expect(s.shutdown())
    #expect(s.status.state == .stopped)
  }

  @Test func trainingReportsThatItIsMissingInsteadOfFakingIt() throws {
    let recorder = EngineRecorder()
    let s = session(recorder) { Self.parts() }
    s.send(.trainStep)
    #expect(s.waitUntilIdle())
    #expect(s.status.message == "training is not available yet")
    #expect(recorder.count("train_step") == 0)
    #expect(s.shutdown())
  }

  @Test func aTrainStepGetsTheFinishedBatch() throws {
    let recorder = EngineRecorder()
    let s = session(recorder) {
      Self.parts(n: 3) { sampler, step, _ in
        // A stand-in trainer: reports what it was given.
        let t = sampler.trajectories
        return [
          .trainStep(
            TrainStepFinished(step: step, metrics: ["trajectories": Double(t.count)]))
        ]
      }
    }
    s.send(.stepRound)
    s.send(.trainStep)
    #expect(s.waitUntilIdle())
    let steps = recorder.events.compactMap { e -> TrainStepFinished? in
      if case .trainStep(let t) = e { return t }
      return nil
    }
    #expect(steps.map(\.metrics) == [["trajectories": 6]], "2 prompts × n = 3, batch done first")
    #expect(s.status.trainSteps == 1 && s.status.batchDone)
    #expect(recorder.statuses.contains { $0.state == .training })
    #expect(s.shutdown())
  }

  @Test func engineErrorsAreReportedAndTheSessionGoesOn() throws {
    let recorder = EngineRecorder()
    // The second batch's prompt has a character the vocabulary lacks.
    let s = session(recorder) {
      var p = Self.parts()
      p.prompts = { batch in batch == 0 ? ["1?>"] : ["1>"] }
      return p
    }
    s.send(.stepRound)
    #expect(s.waitUntilIdle())
    #expect(s.status.message?.hasPrefix("engine error: prompt 0 (\"1?>\")") == true)
    #expect(recorder.statuses.contains { $0.state == .failed })
    s.send(.stepRound)
    #expect(s.waitUntilIdle())
    #expect(recorder.count("round_finished") == 1, "the next batch works")
    #expect(s.shutdown())

    let broken = EngineRecorder()
    struct NoModel: Error, CustomStringConvertible { var description: String { "no model" } }
    let t = session(broken) { throw NoModel() }
    #expect(t.waitUntilIdle())
    #expect(t.status.state == .failed)
    #expect(t.status.message == "the engine could not start: no model")
    t.send(.stepRound)  // ignored, never blocks
    #expect(t.shutdown())
  }

  @Test func pauseStopsARun() throws {
    // The pause is sent from the event sink at the first round, i.e. while the run is going.
    final class Pauser: @unchecked Sendable {
      let lock = NSLock()
      var session: EngineSession? = nil
      var rounds = 0
      func saw(_ e: TreeEvent) {
        guard case .roundFinished = e else { return }
        let s: EngineSession? = lock.withLock {
          rounds += 1
          return rounds == 1 ? session : nil
        }
        s?.send(.pause)
      }
    }
    let pauser = Pauser()
    let s = EngineSession(events: { pauser.saw($0) }, make: { Self.parts(n: 16) })
    pauser.lock.withLock { pauser.session = s }
    s.send(.run)
    #expect(s.waitUntilIdle())
    #expect(!s.status.batchDone, "paused before the 16-wide batch finished")
    #expect(pauser.lock.withLock { pauser.rounds } <= 2)
    #expect(s.shutdown())
  }
}
