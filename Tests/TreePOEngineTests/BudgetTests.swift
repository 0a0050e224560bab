import Testing
import TreePOEngine

@Suite struct BudgetTests {
  @Test func theWidthBudgetFollowsTheFormula() {
    // max(min(n − F, w·f + w·A), A)
    #expect(WidthBudget.total(n: 16, finished: 0, finishedThisRound: 0, active: 2, w: 2) == 4)
    #expect(WidthBudget.total(n: 16, finished: 0, finishedThisRound: 0, active: 8, w: 2) == 16)
    #expect(WidthBudget.total(n: 16, finished: 10, finishedThisRound: 2, active: 4, w: 2) == 6)
    #expect(WidthBudget.total(n: 16, finished: 3, finishedThisRound: 3, active: 2, w: 3) == 13)
    // The outer max keeps every active path alive even when n − F is smaller.
    #expect(WidthBudget.total(n: 4, finished: 3, finishedThisRound: 0, active: 2, w: 2) == 2)
    #expect(WidthBudget.total(n: 4, finished: 4, finishedThisRound: 1, active: 1, w: 2) == 1)
  }

  @Test func largestRemainderGivesOneEachThenTheRestByRemainder() {
    // 7 extra over weights .5/.3/.2 → 3.5, 2.1, 1.4 → floors 3, 2, 1, the last one to .5.
    #expect(WidthBudget.largestRemainder(total: 10, weights: [0.5, 0.3, 0.2]) == [5, 3, 2])
    // Ties go to the earlier path.
    #expect(WidthBudget.largestRemainder(total: 5, weights: [1, 1, 1]) == [2, 2, 1])
    // Exactly one each when the total is the count; the sum is always the total.
    #expect(WidthBudget.largestRemainder(total: 3, weights: [9, 1, 1]) == [1, 1, 1])
    for total in 4...20 {
      let a = WidthBudget.largestRemainder(total: total, weights: [0.7, 0.05, 0.25, 0])
      #expect(a.reduce(0, +) == total && a.allSatisfy { $0 >= 1 })
    }
    // Zero, negative and NaN weights count as zero; all zero shares evenly.
    #expect(WidthBudget.largestRemainder(total: 5, weights: [0, .nan, -1, 1]) == [1, 1, 1, 2])
    #expect(WidthBudget.largestRemainder(total: 6, weights: [0, 0]) == [3, 3])
    #expect(WidthBudget.largestRemainder(total: 4, weights: []) == [])
  }

  @Test func aCapSpillsTheExcessToTheOthers() {
    #expect(WidthBudget.largestRemainder(total: 6, weights: [1, 0, 0], cap: 2) == [2, 2, 2])
    #expect(WidthBudget.largestRemainder(total: 10, weights: [1, 0, 0], cap: 3) == [3, 3, 3])
    #expect(WidthBudget.largestRemainder(total: 4, weights: [0.9, 0.1], cap: 2) == [2, 2])
    #expect(WidthBudget.largestRemainder(total: 3, weights: [0.9, 0.1], cap: 2) == [2, 1])
  }

  @Test func fixedSplitsEvenlyWithTheRemainderToTheLast() {
    #expect(WidthBudget.fixedSplit(total: 7, count: 3) == [2, 2, 3])
    #expect(WidthBudget.fixedSplit(total: 4, count: 2) == [2, 2])
    #expect(WidthBudget.fixedSplit(total: 2, count: 2) == [1, 1])
    #expect(WidthBudget.fixedSplit(total: 16, count: 1) == [16])
  }

  @Test func theRepetitionRuleSeesLoopsButNotPools() {
    let t = CharTokenizer()
    func loops(_ s: String, span: Int = 12) -> Bool {
      RepetitionRule.isLooping(try! t.encode(s), span: span)
    }
    #expect(loops("1+2=3(3 4)((((((((((((("))
    #expect(loops("9*6=4(0 4 6 7)6+06+06+06+0"))
    #expect(loops("2 4 2 4 2 4 2 4 2 4 2 4 "))
    #expect(!loops("9*6=4(0 4 6 7)6+0=6(4 6 7)"))
    #expect(!loops("4*2=8(4 4 4 4 4)"))  // the biggest legitimate pool
    #expect(!loops("((((", span: 12), "too short to tell")
  }
}
