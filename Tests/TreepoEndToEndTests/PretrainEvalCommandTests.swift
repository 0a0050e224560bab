import Foundation
import Testing

// `treepo pretrain` and `treepo eval` run as the real binary (built beside this test bundle):
// a tiny training run end to end, the bundled model found from outside the checkout, and the
// one-sentence answers to a missing or damaged model and to conflicting budgets.

private struct Run {
  var status: Int32
  var stdout: String
  var stderr: String
}

private func treepo(_ arguments: [String], cwd: String = "/tmp", env: [String: String] = [:])
  throws -> Run
{
  let exe = URL(
    fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(
      atPath: "/proc/self/exe")
  ).deletingLastPathComponent().appendingPathComponent("treepo")
  let dir = FileManager.default.temporaryDirectory
    .appendingPathComponent("treepo-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  let out = dir.appendingPathComponent("out")
  let err = dir.appendingPathComponent("err")
  _ = FileManager.default.createFile(atPath: out.path, contents: nil)
  _ = FileManager.default.createFile(atPath: err.path, contents: nil)
  let p = Process()
  p.executableURL = exe
  p.arguments = arguments
  p.currentDirectoryURL = URL(fileURLWithPath: cwd)
  var environment = ProcessInfo.processInfo.environment
  environment["TREEPO_ASSETS"] = nil
  for (k, v) in env { environment[k] = v }
  p.environment = environment
  p.standardOutput = try FileHandle(forWritingTo: out)
  p.standardError = try FileHandle(forWritingTo: err)
  try p.run()
  p.waitUntilExit()
  return Run(
    status: p.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
    stderr: try String(contentsOf: err, encoding: .utf8))
}

@Test func evalFindsTheBundledModelFromOutsideTheCheckout() throws {
  let r = try treepo(["eval", "--numbers", "3", "--problems", "4", "--samples", "2"])
  #expect(r.status == 0, "\(r.stderr)")
  #expect(r.stdout.contains("Assets/models/countdown-tiny on held-out countdown"))
  #expect(r.stdout.contains("size  problems  greedy  mean@2  pass@2"))
  #expect(r.stdout.contains("first_operand"))
}

@Test func evalAnswersAMissingOrDamagedModelInOneSentence() throws {
  let missing = try treepo(["eval", "--model", "/nonexistent/model"])
  #expect(missing.status != 0)
  #expect(
    missing.stderr
      == "Error: /nonexistent/model: no such model folder or GGUF file, and not a known model "
      + "name (known: smollm2-135m).\n")

  let noAssets = try treepo(
    ["eval", "--numbers", "3", "--problems", "2", "--samples", "0"],
    env: ["TREEPO_ASSETS": "/nonexistent/assets"])
  #expect(noAssets.status == 0, "the checkout's Assets/ is still found: \(noAssets.stderr)")

  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("treepo-bad-\(getpid())")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  try Data("{\"vocab_size\": ".utf8).write(to: dir.appendingPathComponent("config.json"))
  let damaged = try treepo(["eval", "--model", dir.path])
  #expect(damaged.status != 0)
  let lines = damaged.stderr.split(separator: "\n")
  #expect(lines.count == 1 && lines[0].contains(dir.appendingPathComponent("config.json").path))
}

@Test func pretrainRunsATinyModelEndToEnd() throws {
  let out = FileManager.default.temporaryDirectory.appendingPathComponent("treepo-pt-\(getpid())")
  defer { try? FileManager.default.removeItem(at: out) }
  let r = try treepo([
    "pretrain", "--steps", "4", "--hidden-size", "16", "--layers", "1", "--heads", "2",
    "--kv-heads", "1", "--ffn", "32", "--numbers", "3", "--batch-size", "2", "--eval-every", "2",
    "--eval-problems", "2", "--checkpoint-every", "2", "--out", out.path,
  ])
  #expect(r.status == 0, "\(r.stderr)")
  #expect(r.stdout.contains("steps      0 → 4 (batch 2"))
  #expect(r.stdout.contains("reproduce: treepo pretrain --task countdown --numbers 3 "))
  #expect(r.stderr.contains("held-out greedy"))
  let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
  #expect(files == ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"])

  let both = try treepo(["pretrain", "--steps", "4", "--tokens", "100"])
  #expect(both.status != 0)
  #expect(
    both.stderr.contains("Give at most one of --steps, --tokens, --time-budget and --cpu-budget."))
}
