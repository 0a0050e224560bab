import Testing
import TreePOExplorer
import TreePOTrace

// `w` saves the trained weights (an engine command; the engine answers with `checkpoint_saved`),
// and `q` after training offers it once before quitting; Ctrl-C always quits at once.

@Test func quitAfterTrainingOffersToSaveTheWeights() {
  var d = ExplorerDriver()
  d.type("w")
  #expect(d.line(containing: "w: no train step yet") != nil)
  d.feed(Scenes.finishedBatch)  // ends with a train step
  d.type("q")
  #expect(!d.explorer.wantsQuit)
  #expect(d.line(containing: "trained weights not saved: w saves them") != nil)
  d.type("w")
  #expect(d.commands.last == .saveWeights)
  d.feed([.checkpointSaved(CheckpointSaved(step: 1, path: "treepo-weights-step-1"))])
  d.type("q")  // saved: quits at once
  #expect(d.explorer.wantsQuit && d.commands.last == .quit)
}

@Test func controlCQuitsEvenWithUnsavedWeights() {
  var d = ExplorerDriver()
  d.feed(Scenes.finishedBatch)
  d.press(.control("c"))
  #expect(d.explorer.wantsQuit)
}

@Test func wIsUnavailableInReplay() {
  let header = TraceHeader(model: "tiny", task: "countdown")
  var d = ExplorerDriver(.replay(events: Scenes.finishedBatch, header: header))
  d.type("w")
  #expect(d.line(containing: "w: not available in replay") != nil)
  d.type("q")
  #expect(d.explorer.wantsQuit)
}
