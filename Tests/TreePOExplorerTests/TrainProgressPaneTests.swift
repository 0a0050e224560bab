import Testing
import TreePOExplorer
import TreePOTrace

// A train step under way shows in the Training pane: its phase, a bar, the percent and the time
// left; decoding the rest of the batch shows the phase and the time so far; the line goes when
// the step ends.

@Test func trainingPaneShowsTheStepUnderWay() {
  var driver = ExplorerDriver(size: Size(width: 120, height: 40))
  #expect(driver.line(containing: "t: train on a finished batch") != nil)

  driver.explorer.setTrainProgress(
    TrainProgressLine(
      phase: "finishing the batch", fraction: nil, elapsedSeconds: 3, etaSeconds: nil))
  #expect(driver.line(containing: "finishing the batch 3s") != nil, "\(driver.screen)")

  driver.explorer.setTrainProgress(
    TrainProgressLine(phase: "update", fraction: 0.425, elapsedSeconds: 48, etaSeconds: 65))
  let line = driver.line(containing: "update ▕")
  #expect(line?.contains("42% · 1m05s left") == true, "\(driver.screen)")
  #expect(line?.contains("████████░") == true, "8 of 20 cells filled: \(line ?? "no line")")

  driver.explorer.setTrainProgress(nil)
  #expect(driver.line(containing: "update ▕") == nil)
  #expect(driver.line(containing: "t: train on a finished batch") != nil)
}
