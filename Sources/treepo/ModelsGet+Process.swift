import Foundation
import TreePOEngine

// Running the user's Python for `treepo models get`: output to a log file (its last line names
// what went wrong), stdin closed so pip never waits for input, `tick` called while it runs.

/// Runs `python arguments`; `tmp` becomes its TMPDIR (pip downloads there, which is what the
/// progress line measures). Returns the exit status.
func runPython(
  _ python: String, _ arguments: [String], log: String, tmp: String?, tick: () -> Void
) throws -> Int32 {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: python)
  p.arguments = arguments
  var environment = ProcessInfo.processInfo.environment
  if let tmp { environment["TMPDIR"] = tmp }
  environment["PIP_NO_INPUT"] = "1"
  p.environment = environment
  guard FileManager.default.createFile(atPath: log, contents: nil),
    let output = FileHandle(forWritingAtPath: log)
  else { throw ModelsError("Could not create the log file \(log).") }
  defer { try? output.close() }
  p.standardOutput = output
  p.standardError = output
  p.standardInput = FileHandle.nullDevice
  do {
    try p.run()
  } catch {
    throw ModelsError("Could not start \(python) (\(error.localizedDescription)).")
  }
  while p.isRunning {
    tick()
    usleep(200_000)
  }
  p.waitUntilExit()
  tick()
  return p.terminationStatus
}

/// Total size of the regular files under `folder` (0 when it does not exist).
func folderBytes(_ folder: String) -> Int {
  guard let walker = FileManager.default.enumerator(atPath: folder) else { return 0 }
  var total = 0
  while let item = walker.nextObject() as? String {
    total += ModelCatalog.fileSize(folder + "/" + item) ?? 0
  }
  return total
}

/// The last non-empty line of the log at `path`, shortened, without a final period.
func lastLine(_ path: String) -> String? {
  guard let data = FileManager.default.contents(atPath: path) else { return nil }
  let text = String(decoding: data, as: UTF8.self)
  guard
    var line = text.split(whereSeparator: \.isNewline)
      .map({ $0.trimmingCharacters(in: .whitespaces) }).last(where: { !$0.isEmpty })
  else { return nil }
  if line.count > 200 { line = String(line.prefix(200)) + "…" }
  while line.hasSuffix(".") { line.removeLast() }
  return line
}
