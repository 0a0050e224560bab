import Foundation
import Testing

// `treepo train` and its run folder across invocations (issue 12 items 10, 11, 12, 22): a second
// run does not silently mix into the first, a resume after a kill continues the logs exactly
// once per step, --steps is a total, and the summary says which limit ended the run.

private let tiny = [
  "train", "--prompts-per-step", "1", "--n", "2", "--eval-problems", "2", "--no-traces",
]

private func steps(_ log: URL) throws -> [Int] {
  try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { line in
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    return object?["step"] as? Int ?? -1
  }
}

@Suite struct TrainRunFolderTests {
  @Test func anExistingRunIsNotOverwrittenWithoutBeingAsked() throws {
    let dir = try Command.scratch("run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let args = tiny + ["--checkpoints", dir.path, "--run", "r", "--eval-every", "0"]
    #expect(try Command.treepo(args + ["--steps", "2"]).status == 0)
    let again = try Command.treepo(args + ["--steps", "2"])
    #expect(again.status == 1)
    #expect(
      again.output.hasPrefix("Error: \(dir.path)/r already holds a run (eval.jsonl, "),
      "\(again.output)")
    #expect(again.output.contains("--resume") && again.output.contains("--overwrite"))
    #expect(try steps(dir.appendingPathComponent("r/metrics.jsonl")) == [1, 2])

    let over = try Command.treepo(args + ["--steps", "1", "--overwrite"])
    #expect(over.status == 0, "\(over.output)")
    #expect(try steps(dir.appendingPathComponent("r/metrics.jsonl")) == [1])
  }

  /// The state a `kill -9` leaves between the step-3 metrics line and the step-3 checkpoint:
  /// the marker still names step 2, a half line ends the log, temporaries lie in the folders.
  @Test func resumeAfterAKillContinuesEachStepOnce() throws {
    let dir = try Command.scratch("resume")
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = dir.appendingPathComponent("r")
    let args = tiny + ["--checkpoints", dir.path, "--run", "r", "--eval-every", "0"]
    let first = try Command.treepo(args + ["--steps", "3", "--save-every", "2"])
    #expect(first.status == 0, "\(first.output)")
    try Data("2\n".utf8).write(to: run.appendingPathComponent("latest_checkpointed_iteration.txt"))
    let metrics = try FileHandle(forWritingTo: run.appendingPathComponent("metrics.jsonl"))
    try metrics.seekToEnd()
    try metrics.write(contentsOf: Data("{\"step\": 4, \"da".utf8))
    try metrics.close()
    let stale = [
      run.appendingPathComponent("latest_checkpointed_iteration.txt.tmp-999999999"),
      run.appendingPathComponent("global_step_2/model.safetensors.tmp-999999998"),
    ]
    for url in stale { try Data("x".utf8).write(to: url) }

    let resumed = try Command.treepo(args + ["--steps", "4", "--resume"])
    #expect(resumed.status == 0, "\(resumed.output)")
    #expect(resumed.output.contains("resumed from \(run.path)/global_step_2 (step 2)"))
    #expect(resumed.output.contains("steps            4 "), "--steps is the total")
    #expect(try steps(run.appendingPathComponent("metrics.jsonl")) == [1, 2, 3, 4])
    for url in stale { #expect(!FileManager.default.fileExists(atPath: url.path), "\(url.path)") }

    // The evaluation at the resume step carries the run's tokens and time so far, not zeros.
    let evals = try String(contentsOf: run.appendingPathComponent("eval.jsonl"), encoding: .utf8)
      .split(separator: "\n").compactMap {
        try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
      }
    #expect(evals.compactMap { $0["step"] as? Int } == [0, 2, 4])
    let atResume = evals[1]["data"] as? [String: Any] ?? [:]
    #expect((atResume["val/decoded_tokens"] as? Double ?? 0) > 0, "\(atResume)")
    #expect((atResume["val/train_seconds"] as? Double ?? 0) > 0, "\(atResume)")

    let done = try Command.treepo(args + ["--steps", "4", "--resume"])
    #expect(done.status == 1)
    #expect(done.output.contains("is already at step 4; --steps is the run's total"))
  }

  /// A real `kill -9` mid-run (wherever it lands), then --resume: each step is logged once.
  @Test func resumeAfterARealKillLogsEachStepOnce() throws {
    let dir = try Command.scratch("kill")
    defer { try? FileManager.default.removeItem(at: dir) }
    let run = dir.appendingPathComponent("r")
    let args = tiny + ["--checkpoints", dir.path, "--run", "r", "--eval-every", "0"]
    let binary = try TreepoBinary.path()
    let metrics = run.appendingPathComponent("metrics.jsonl").path
    let quoted = ([binary] + args + ["--steps", "500", "--save-every", "2"])
      .map { "'\($0)'" }.joined(separator: " ")
    // The shell starts the run, waits for five logged steps, and kills it without warning.
    let script = """
      \(quoted) >/dev/null 2>&1 & pid=$!
      for i in $(seq 600); do
        [ -f '\(metrics)' ] && [ $(wc -l < '\(metrics)') -ge 5 ] && break; sleep 0.05
      done
      kill -9 $pid; wait $pid; echo killed
      """
    let (_, output) = try Spawn.run(["sh", "-c", script])
    #expect(output.contains("killed"))
    let logged = try steps(run.appendingPathComponent("metrics.jsonl"))
    let last = try #require(logged.last)
    let resumed = try Command.treepo(args + ["--steps", "\(last + 2)", "--resume"])
    #expect(resumed.status == 0, "\(resumed.output)")
    #expect(try steps(run.appendingPathComponent("metrics.jsonl")) == Array(1...(last + 2)))
  }

  /// A time budget without --steps is not cut at a hidden default, and the summary names the limit.
  @Test func theSummarySaysWhichLimitEndedTheRun() throws {
    let dir = try Command.scratch("budget")
    defer { try? FileManager.default.removeItem(at: dir) }
    let args = tiny + ["--checkpoints", dir.path, "--eval-every", "0"]
    let budget = try Command.treepo(args + ["--run", "b", "--time-budget", "0.0001"])
    #expect(budget.status == 0, "\(budget.output)")
    #expect(budget.output.contains("ended            --time-budget"), "\(budget.output)")
    let capped = try Command.treepo(
      args + ["--run", "s", "--time-budget", "10", "--steps", "1"])
    #expect(capped.output.contains("ended            --steps 1 reached"), "\(capped.output)")
  }

  /// Item 10: a folder or file that cannot be made or read is one sentence with its path and
  /// reason, never Foundation's raw NSCocoaErrorDomain text nor the usage.
  @Test(arguments: [
    (tiny + ["--checkpoints", "/dev/null", "--steps", "1"], "/dev/null"),
    (tiny + ["--checkpoints", "/proc/ck", "--steps", "1"], "/proc/ck"),
    (["pretrain", "--out", "/proc/out", "--steps", "1", "--hidden-size", "16"], "/proc/out"),
    (["sample", "--prompt-file", "/nonexistent/prompts.txt"], "/nonexistent/prompts.txt"),
  ])
  func fileSystemErrorsAreOneSentence(arguments: [String], path: String) throws {
    let r = try Command.treepo(arguments)
    #expect(r.status == 1, "\(r.output)")
    #expect(r.lines.count == 1, "\(r.output)")
    #expect(r.output.hasPrefix("Error: \(path)"), "\(r.output)")
    #expect(r.output.contains(": could not "), "\(r.output)")
    #expect(!r.output.contains("NSCocoaErrorDomain") && !r.output.contains("Usage"))
  }
}
