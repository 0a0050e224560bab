import Foundation
import Testing
import TreePOEngine

/// `treepo inspect`: the summary of a good trace (exit 0), every problem of a bad one with its
/// line (exit 1), the same as JSON, and a folder of step files.
@Suite struct InspectCommandTests {
  @Test func demoTraceIsValidAndCounted() throws {
    let (status, output) = try Spawn.run([try TreepoBinary.path(), "inspect", Demo.tracePath])
    #expect(status == 0, "\(output)")
    #expect(output.contains("\(Demo.eventCount) events on \(Demo.eventCount + 1) lines"))
    #expect(output.hasSuffix("  valid\n"))
  }

  @Test func everyProblemIsListedWithItsLine() throws {
    var lines = try String(contentsOfFile: Demo.tracePath, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let spawn = try #require(lines.firstIndex { $0.contains("\"parent\"") })
    lines.insert(lines[spawn], at: spawn + 1)  // the same node spawned twice
    lines.insert("{\"kind\": 3}", at: 3)
    let path = NSTemporaryDirectory() + "treepo-e2e-\(UUID().uuidString)-bad.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    let (status, output) = try Spawn.run([try TreepoBinary.path(), "inspect", path])
    #expect(status == 1)
    #expect(output.contains("2 problem(s):"))
    #expect(output.contains("\(path): line 4 is not a valid event (bad value at \"kind\")."))
    #expect(output.contains("\(path): line \(spawn + 3) spawns node"))
  }

  @Test func jsonAndFolders() throws {
    let folder = NSTemporaryDirectory() + "treepo-e2e-\(UUID().uuidString)"
    try FileManager.default.createDirectory(
      atPath: folder + "/traces", withIntermediateDirectories: true)
    for step in [2, 10] {
      try FileManager.default.copyItem(
        atPath: Demo.tracePath, toPath: "\(folder)/traces/step_\(step).jsonl")
    }
    let (status, output) = try Spawn.run([try TreepoBinary.path(), "inspect", folder, "--json"])
    #expect(status == 0, "\(output)")
    let json = try JSONValue.parse(output)
    #expect(json["valid"] == .bool(true))
    guard case .array(let files) = json["files"] else {
      Issue.record("no files in \(output)")
      return
    }
    #expect(
      files.map { $0["path"]?.stringValue ?? "" }.map { ($0 as NSString).lastPathComponent }
        == ["step_2.jsonl", "step_10.jsonl"])
    #expect(json["total"]?["events"] == .int(2 * Demo.eventCount))

    let empty = NSTemporaryDirectory() + "treepo-e2e-\(UUID().uuidString)-empty"
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let (emptyStatus, emptyOutput) = try Spawn.run([try TreepoBinary.path(), "inspect", empty])
    #expect(emptyStatus == 1)
    #expect(emptyOutput.contains("has no trace files"))
  }
}
