import Foundation
import Testing

/// A trace that cannot be read is one sentence on stderr naming the file (and line), exit status
/// 1, and nothing at all written to the terminal (the screen is never opened).
@Suite struct BadTraceFileTests {
  @Test func missingFile() throws {
    let output = try Self.replay(path: "/nonexistent/trace.jsonl")
    #expect(output.contains("/nonexistent/trace.jsonl"))
  }

  @Test func foreignFile() throws {
    let path = try Self.write("{\"hello\": 1}\n", named: "foreign.jsonl")
    let output = try Self.replay(path: path)
    #expect(output.contains("\(path) is not a treepo trace"))
  }

  @Test func malformedMiddleLine() throws {
    let lines = try String(contentsOfFile: Demo.tracePath, encoding: .utf8)
      .split(separator: "\n", omittingEmptySubsequences: false)
    var broken = lines.map(String.init)
    broken[5] = "{\"kind\": \"node_spawned\", \"prompt\": "
    let path = try Self.write(broken.joined(separator: "\n"), named: "broken.jsonl")
    let output = try Self.replay(path: path)
    #expect(output.contains("\(path): line 6"))
  }

  /// Runs `treepo replay PATH` without a terminal; expects status 1 and exactly one line of output.
  private static func replay(path: String) throws -> String {
    let (status, output) = try Spawn.run([try TreepoBinary.path(), "replay", path])
    #expect(status == 1)
    #expect(output.split(separator: "\n").count == 1, "want one sentence, got:\n\(output)")
    #expect(!output.contains("\u{1B}"), "escape sequences: the terminal was touched")
    return output
  }

  private static func write(_ text: String, named name: String) throws -> String {
    let path = NSTemporaryDirectory() + "treepo-e2e-\(UUID().uuidString)-\(name)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }
}
