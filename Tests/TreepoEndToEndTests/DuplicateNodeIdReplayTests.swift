import Foundation
import Testing

/// Two `node_spawned` events with one id (a damaged trace): search (`/`) used to trap with
/// "Duplicate values for key" (issue 12, item 3). Now the second spawn is kept out and search,
/// n/N and quitting work.
@Suite struct DuplicateNodeIdReplayTests {
  @Test func searchATraceWithADuplicateNodeId() throws {
    let lines = [
      #"{"format":"treepo-trace","version":1,"model":"m","task":"countdown","config":{},"seed":0}"#,
      #"{"kind":"rollout_started","rollout":0,"sampler":"tree","prompts":[{"index":0,"text":"1 2>3:","tokenIds":[1,2,3]}],"config":{}}"#,
      #"{"kind":"node_spawned","prompt":0,"node":0,"depth":0,"reason":"root"}"#,
      #"{"kind":"node_spawned","prompt":0,"node":1,"parent":0,"depth":1,"reason":"initial"}"#,
      #"{"kind":"node_spawned","prompt":0,"node":2,"parent":0,"depth":1,"reason":"initial"}"#,
      #"{"kind":"segment_decoded","prompt":0,"node":1,"tokenIds":[4,5,6],"text":"1+2","logprobs":[-0.1,-0.1,-0.1],"entropies":[0.1,0.1,0.1]}"#,
      #"{"kind":"node_spawned","prompt":0,"node":1,"parent":2,"depth":2,"reason":"divergence"}"#,
      #"{"kind":"segment_decoded","prompt":0,"node":2,"tokenIds":[4,5,6],"text":"1+2","logprobs":[-0.1,-0.1,-0.1],"entropies":[0.1,0.1,0.1]}"#,
    ]
    let path = NSTemporaryDirectory() + "treepo-e2e-\(UUID().uuidString)-dup.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }

    let session = try TmuxSession(["replay", path], width: 100, height: 30)
    defer { session.close() }
    try session.waitForText("event 6/6")  // the duplicate spawn is left out by the reader
    try session.send("/", "1+2", "Enter")
    try session.waitForText("match 1/2")
    try session.send("n", "N", "G", "g")
    try session.send("q")
    #expect(try session.waitForExit() == 0)
  }
}
