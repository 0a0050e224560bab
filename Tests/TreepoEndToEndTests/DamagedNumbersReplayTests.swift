import Foundation
import Testing

/// A trace may carry "nan" (the format allows it) and huge finite values; replaying one used to
/// trap with "Float value cannot be converted to Int" (issue 12, item 2). Now the screen shows
/// "nan" / "3.0e19" and the explorer keeps going through every event, then quits cleanly.
@Suite struct DamagedNumbersReplayTests {
  @Test func replayATraceWithNaNAndHugeNumbers() throws {
    let lines = [
      #"{"format":"treepo-trace","version":1,"model":"m","task":"countdown","config":{},"seed":0}"#,
      #"{"kind":"rollout_started","rollout":0,"sampler":"tree","prompts":[{"index":0,"text":"1 2>3:","tokenIds":[1,2,3]}],"config":{}}"#,
      #"{"kind":"node_spawned","prompt":0,"node":0,"depth":0,"reason":"root"}"#,
      #"{"kind":"node_spawned","prompt":0,"node":1,"parent":0,"depth":1,"reason":"initial"}"#,
      #"{"kind":"segment_decoded","prompt":0,"node":1,"tokenIds":[4,5,6],"text":"1+2","logprobs":["nan",-1e30,"-inf"],"entropies":["nan",1e30,"inf"]}"#,
      #"{"kind":"node_ended","prompt":0,"node":1,"outcome":"finished","reason":"terminator","reward":"nan"}"#,
      #"{"kind":"round_finished","round":1,"counters":{"decodedTokens":9,"flatEquivalentTokens":9,"sharedPrefixTokens":0,"kvPagesInUse":1,"kvPagesPeak":1,"active":0,"finished":1,"stopped":0,"truncated":0,"pruned":0,"fallbacks":0,"elapsedSeconds":5e-324},"done":true}"#,
      #"{"kind":"advantages_assigned","estimator":"tree","nodes":[{"prompt":0,"node":1,"advantage":"nan"}]}"#,
      #"{"kind":"train_step","step":1,"metrics":{"actor/grad_norm":3e19,"actor/entropy":1e30,"actor/pg_loss":"nan"},"changes":[{"prompt":0,"node":1,"before":"nan","after":1e30}]}"#,
    ]
    let path = NSTemporaryDirectory() + "treepo-e2e-\(UUID().uuidString)-nan.jsonl"
    try (lines.joined(separator: "\n") + "\n").write(
      toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }

    let session = try TmuxSession(["replay", path], width: 120, height: 40)
    defer { session.close() }
    let end = try session.waitForText("event 8/8")
    #expect(end.contains("grad 3.0e19"))
    #expect(end.contains("entropy 1.0e30"))
    try session.send("j")  // node 1: NaN entropy, log-prob, reward and advantage
    let node = try session.waitForText("Node 1")
    #expect(node.contains("nan"))
    try session.send("c", "c", "Home", ">", ">", ">", ">", ">", "End")
    try session.waitForText("event 8/8")
    try session.send("q")
    #expect(try session.waitForExit() == 0)
  }
}
