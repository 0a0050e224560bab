import Foundation
import Testing
import TreePOExplorer
import TreePOTrace

// The one key table: complete, unambiguous, and the source of docs/keys.md.

@Test func docsKeysIsGeneratedFromTheTable() throws {
  let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  let url = root.appendingPathComponent("docs/keys.md")
  let generated = KeyMap.markdown()
  if ProcessInfo.processInfo.environment["TREEPO_RECORD"] == "1" {
    try generated.write(to: url, atomically: true, encoding: .utf8)
  }
  let onDisk = try String(contentsOf: url, encoding: .utf8)
  #expect(
    onDisk == generated,
    "docs/keys.md is stale: run `TREEPO_RECORD=1 swift test --filter docsKeys` to regenerate it")
}

@Test func everyActionHasABindingAndEveryGroupIsListed() {
  let bound = Set(KeyMap.bindings.map(\.action))
  #expect(bound == Set(Action.allCases))
  for b in KeyMap.bindings { #expect(KeyMap.groups.contains(b.group), "\(b.label)") }
}

@Test func noKeyIsBoundTwiceWithinAMode() {
  // A key may have two bindings only when they are never available at the same time.
  let live = Explorer(mode: .live)
  let replay = Explorer(mode: .replay(events: [], header: TraceHeader(model: "m", task: "t")))
  for explorer in [live, replay] {
    var seen: [Key: String] = [:]
    for b in KeyMap.bindings where b.whyDisabled(explorer) == nil {
      for key in b.keys {
        #expect(seen[key] == nil, "\(key) bound to \(seen[key] ?? "") and \(b.label)")
        seen[key] = b.label
      }
    }
  }
}

@Test func issueKeysAreAllBound() {
  let required: [Key] = [
    .character(" "), .character("r"), .character("t"), .character("b"), .character("["),
    .character("]"), .character("h"), .character("l"), .left, .right, .character("j"),
    .character("k"), .down, .up, .character("J"), .character("K"), .enter, .character("g"),
    .character("G"), .character("/"), .character("n"), .character("N"), .character("c"),
    .character("s"), .tab, .escape, .control("l"), .character("q"), .control("c"),
    .character("?"), .character("<"), .character(">"), .character("{"), .character("}"), .home,
    .end, .scrollUp, .scrollDown,
  ]
  let all = Set(KeyMap.bindings.flatMap(\.keys))
  for key in required { #expect(all.contains(key), "\(key) has no binding") }
}

@Test func trainingKeysSayTheyAreUnavailableInReplay() {
  var replay = Explorer(
    mode: .replay(events: Scenes.finishedBatch, header: TraceHeader(model: "m", task: "t")))
  for key in ["t", " ", "r", "b"] {
    let commands = replay.handle(.character(Character(key)))
    #expect(commands.isEmpty)
    #expect(replay.state.message?.hasSuffix("not available in replay") == true, "\(key)")
  }
}

@Test func helpOverlayListsEveryBindingFromTheTable() {
  // Tall enough for the whole table on one screen (61 lines with the Path group).
  var d = ExplorerDriver(size: Size(width: 100, height: 70))
  d.type("?")
  let screen = d.screen
  for b in KeyMap.bindings {
    #expect(screen.contains(b.description), "help lacks \(b.label): \(b.description)")
  }
}
