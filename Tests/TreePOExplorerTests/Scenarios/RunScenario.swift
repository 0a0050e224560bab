import Foundation
import Testing
import TreePOExplorer
import TreePOTrace

// A run of three steps: `[` `]` move between steps, the batch list sorts and filters, `/` with
// `n` / `N` searches on across steps — each with steps decoded whole and read per tree.

@Suite struct RunScenario {
  @Test(arguments: RunScenes.wholeOrPerTree)
  func bracketsMoveBetweenStepsAndStopAtTheEnds(wholeStepBytes: Int) throws {
    var d = try RunScenes.explorer(wholeStepBytes: wholeStepBytes)
    #expect(d.explorer.run?.step == 0)
    #expect(d.explorer.rollout?.rollout == 10)
    d.type("]]")
    #expect(d.explorer.rollout?.rollout == 30)
    #expect(d.screen.contains("Q7 double 21"))
    d.type("]")
    #expect(d.explorer.state.message == "at the last step")
    d.type("[[[")
    #expect(d.explorer.rollout?.rollout == 10)
    #expect(d.explorer.state.message == "at the first step")
  }

  @Test(arguments: RunScenes.wholeOrPerTree)
  func stepListShowsEachStepsNumbers(wholeStepBytes: Int) throws {
    let d = try RunScenes.explorer(wholeStepBytes: wholeStepBytes)
    // Step 10: passes 2 + 4 + 0 of 12 paths; mean score the same; 4·12 + 4·30 + 4·4 tokens.
    let row = try #require(d.line(containing: "▶10"))
    #expect(row.contains("r̄0.50  ✓50%  184 tok"))
    // Step 20: passes 1 + 0 + 3 of 12 paths, 4·20 + 4·8 + 4·16 tokens.
    #expect(d.line(containing: " 20 r̄0.33  ✓33%  176 tok") != nil)
  }

  @Test(arguments: RunScenes.wholeOrPerTree)
  func batchListSortsByEachKeyBothWays(wholeStepBytes: Int) throws {
    var d = try RunScenes.explorer(wholeStepBytes: wholeStepBytes)
    func order() -> [Int] { d.explorer.batchOrder }
    #expect(order() == [0, 1, 2])
    d.type("o")  // pass rate, best first: Q2 (100%), Q1 (50%), Q3 (0%)
    #expect(order() == [1, 0, 2])
    #expect(d.explorer.state.promptPosition == 1, "the best prompt is shown")
    d.type("O")  // worst first
    #expect(order() == [2, 0, 1])
    d.type("O")
    d.type("o")  // score spread: Q1 (σ 0.5) first, then the two that agree, in batch order
    #expect(order() == [0, 1, 2])
    d.type("o")  // length: Q2 (30), Q1 (12), Q3 (4)
    #expect(order() == [1, 0, 2])
    d.type("o")
    #expect(d.explorer.run?.sort == .index)
  }

  @Test(arguments: RunScenes.wholeOrPerTree)
  func filterByOutcome(wholeStepBytes: Int) throws {
    var d = try RunScenes.explorer(wholeStepBytes: wholeStepBytes)
    d.type("f")  // mixed
    #expect(d.explorer.batchOrder == [0])
    d.type("f")  // all pass
    #expect(d.explorer.batchOrder == [1])
    d.type("f")  // all fail
    #expect(d.explorer.batchOrder == [2])
    d.type("f")  // cut short: none here
    #expect(d.explorer.batchOrder.isEmpty)
    #expect(d.screen.contains("no prompt is cut short"))
    d.type("f")
    #expect(d.explorer.batchOrder == [0, 1, 2])
  }

  @Test(arguments: RunScenes.wholeOrPerTree)
  func batchFocusMovesInTheSortedOrder(wholeStepBytes: Int) throws {
    var d = try RunScenes.explorer(wholeStepBytes: wholeStepBytes)
    d.type("o")
    d.press(.tab)
    d.type("j")
    #expect(d.explorer.state.promptPosition == 0)
    d.type("j")
    #expect(d.explorer.state.promptPosition == 2)
    d.press(.tab)  // the step list: j moves steps
    d.type("j")
    #expect(d.explorer.rollout?.rollout == 20)
  }

  @Test(arguments: RunScenes.wholeOrPerTree)
  func searchGoesOnAcrossSteps(wholeStepBytes: Int) throws {
    var d = try RunScenes.explorer(wholeStepBytes: wholeStepBytes)
    d.type("/needle")
    d.press(.enter)
    // Not in step 10: step 20's prompt Q5, then step 30's Q9.
    #expect(d.explorer.rollout?.rollout == 20)
    #expect(d.explorer.promptTree?.info.text == "Q5 spell needle")
    #expect(d.explorer.state.message?.hasPrefix("match 1/1 in step 20") == true)
    d.type("n")
    #expect(d.explorer.rollout?.rollout == 30)
    #expect(d.explorer.promptTree?.info.text == "Q9 find the needle")
    d.type("N")
    #expect(d.explorer.rollout?.rollout == 20)
    d.type("/right 2")
    d.press(.enter)  // responses too, from where the view is: step 20's Q6, node 3
    #expect(d.explorer.promptTree?.info.text == "Q6 name a colour")
    #expect(d.explorer.selectedNode == 3)
    d.type("/zebra")
    d.press(.enter)
    #expect(d.explorer.state.message?.contains("nothing in the run") == true)
  }

  @Test(arguments: RunScenes.wholeOrPerTree)
  func followShowsAStepAppendedLater(wholeStepBytes: Int) throws {
    let url = try RunScenes.write(steps: 2)
    var d = ExplorerDriver(
      run: try RunIndex(path: url.path, follow: true), size: Size(width: 80, height: 24),
      wholeStepBytes: wholeStepBytes)
    #expect(d.explorer.rollout?.rollout == 20, "following opens at the newest step")
    let idle = d.explorer.followRun()
    #expect(idle == false)
    // The next step arrives in two writes: half a line first (waited for), then the rest.
    let lines = RunScenes.events(step: 2).flatMap { $0.jsonLine() }
    let handle = try FileHandle(forWritingTo: url)
    handle.seekToEndOfFile()
    handle.write(Data(lines[..<40]))
    let half = d.explorer.followRun()
    #expect(half == false)
    #expect(d.explorer.run?.steps.count == 2)
    handle.write(Data(lines[40...]))
    try handle.close()
    let whole = d.explorer.followRun()
    #expect(whole)
    #expect(d.explorer.run?.steps.count == 3)
    #expect(d.explorer.rollout?.rollout == 30, "at the newest step, the view follows on")
    #expect(d.screen.contains("Steps · 3"))
  }

  @Test func aRunShownBeforeItsIndexIsFinishedIndexesTheRest() throws {
    let url = try RunScenes.write()
    defer { try? FileManager.default.removeItem(at: url) }
    var d = ExplorerDriver(
      run: try RunIndex(path: url.path, scanBudget: 1), size: Size(width: 80, height: 24))
    #expect(d.explorer.run?.steps.count == 1 && d.explorer.rollout?.rollout == 10)
    d.type("]")
    #expect(d.explorer.state.message == "at the last step indexed so far (indexing the rest)")
    d.explorer.state.message = nil
    let first = d.explorer.indexMore(budget: 1)
    #expect(first && d.explorer.run?.steps.count == 2)
    #expect(d.explorer.rollout?.rollout == 10, "the view stays")
    let second = d.explorer.indexMore(budget: 1)
    #expect(second && d.explorer.run?.steps.count == 3)
    #expect(d.explorer.state.message == "indexed the whole run: 3 steps")
    let done = d.explorer.indexMore()
    #expect(done == false)
    d.type("]]")
    #expect(d.explorer.rollout?.rollout == 30)
  }
}
