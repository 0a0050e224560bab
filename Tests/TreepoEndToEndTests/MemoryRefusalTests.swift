import Foundation
import Testing

// Item 4: a command whose sizes need more memory than any machine has is refused before it
// allocates, with the figure and the machine's memory, instead of dying in the allocator.

@Suite struct MemoryRefusalTests {
  @Test(arguments: [
    ["sample", "--prompts", "1000000"],
    ["sample", "--n", "1000000"],
    ["pretrain", "--hidden-size", "100000"],
    ["train", "--n", "1000000", "--steps", "1"],
    ["bench", "rollout", "--prompts", "1000000"],
  ])
  func hugeSizesAreRefusedWithTheFigure(arguments: [String]) throws {
    let started = Date()
    let r = try Command.treepo(arguments)
    #expect(r.status == 1, "\(r.output)")
    #expect(r.lines.count == 1, "one sentence: \(r.output)")
    let line = String(r.lines.first ?? "")
    #expect(line.hasPrefix("Error: "), "\(line)")
    #expect(line.contains(" TB of memory, but this machine has "), "\(line)")
    #expect(line.contains(" available ("), "\(line)")
    #expect(Date().timeIntervalSince(started) < 20, "refused before any work")
  }
}
