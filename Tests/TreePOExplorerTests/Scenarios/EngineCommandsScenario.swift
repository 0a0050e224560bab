import Testing
import TreePOExplorer

// Engine keys come back as commands for the driver; the mode badge follows the engine status;
// an engine error shows in the status bar and the UI keeps working.

@Test func engineKeysBecomeCommandsAndTheModeFollows() {
  var d = ExplorerDriver()
  #expect(d.lines.last?.hasPrefix(" LIVE ") == true)
  d.type(" ")
  #expect(d.commands == [.stepRound])
  d.feed(Scenes.midRollout)
  d.type("r")
  #expect(d.commands.last == .toggleRun)
  d.explorer.setEngineStatus(busy: true, running: true, error: nil)
  #expect(d.lines.last?.hasPrefix(" RUNNING ") == true)
  #expect(d.lines.last?.contains("busy") == true)
  d.type("t")  // not finished yet
  #expect(d.commands.last == .toggleRun)
  #expect(d.line(containing: "t: the engine is busy") != nil)
  d.explorer.setEngineStatus(busy: false, running: false, error: nil)
  #expect(d.lines.last?.hasPrefix(" PAUSED ") == true)
  d.feed(Array(Scenes.finishedBatch.dropFirst(Scenes.midRollout.count).dropLast()))
  d.type(" ")
  #expect(d.line(containing: "space: the batch is done") != nil)
  d.type("t")
  #expect(d.commands.last == .trainStep)
  d.explorer.setEngineStatus(busy: true, running: false, error: nil)
  #expect(d.lines.last?.hasPrefix(" TRAINING ") == true)
  d.feed([Scenes.finishedBatch.last!])  // the train step's event
  d.explorer.setEngineStatus(busy: false, running: false, error: nil)
  #expect(d.line(containing: "step 1") != nil)
  d.type("bs")
  #expect(d.commands.suffix(2) == [.newBatch, .saveTrace])
  d.explorer.setMessage("saved trace to /tmp/x.jsonl")
  #expect(d.line(containing: "saved trace to /tmp/x.jsonl") != nil)
  d.explorer.setEngineStatus(busy: false, running: false, error: "model folder is damaged")
  #expect(d.line(containing: "engine error: model folder is damaged") != nil)
  d.type("j")  // still navigates
  #expect(d.explorer.selectedNode == 1)
  d.press(.control("l"))
  #expect(d.commands.last == .redraw)
  d.type("q")  // trained and not saved: the offer, no quit yet
  #expect(d.commands.last == .redraw)
  #expect(d.line(containing: "w saves them, q again quits") != nil)
  d.type("q")
  #expect(d.commands.last == .quit)
  #expect(d.explorer.wantsQuit)
}
