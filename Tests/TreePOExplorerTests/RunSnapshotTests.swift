import Testing
import TreePOExplorer
import TreePOTrace

// Whole-screen snapshots of a run (three steps): the step list with its sparkline, and the batch
// list sorted best first by pass rate. 80×24, the minimum size.

@Test func snapshotRunStepList() throws {
  var d = try RunScenes.explorer()
  d.type("]")  // step 20 of 10, 20, 30
  assertSnapshot(d.grid, named: "run-step-list")
}

@Test func snapshotRunBatchSortedByPassRate() throws {
  var d = try RunScenes.explorer()
  d.type("o")  // by pass rate, best first
  d.press(.tab)  // focus on the batch list
  assertSnapshot(d.grid, named: "run-batch-by-pass-rate")
}
