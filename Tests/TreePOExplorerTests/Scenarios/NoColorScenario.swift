import Testing
import TreePOExplorer

// NO_COLOR: not one coloured cell, yet statuses, signs and heat still read (glyphs, −/+, bold and
// underline). 8 colours: no bright colours left.

@Test func noColorKeepsMeaningWithoutColour() {
  var d = ExplorerDriver(colorDepth: .none)
  d.feed(Scenes.finishedBatch)
  d.type("jjj")
  let grid = d.grid
  #expect(
    grid.cells.allSatisfy { $0.style.foreground == .default && $0.style.background == .default })
  #expect(d.line(containing: "✓ 6+0=6$") != nil)
  #expect(d.line(containing: "✗ 7*6=3$") != nil)
  #expect(d.line(containing: "A−0.87") != nil)
  #expect(d.line(containing: "A+0.87") != nil)
  // The status bar stays visible as reverse video.
  #expect(grid[0, 29].style.reverse)
  // A hot token (entropy 0.9) in the path is still marked, by bold + underline.
  d.type("k")  // node 3 → its parent path includes node 1 "9*6=4(" whose first two tokens are hot
  let pathRow = d.lines.firstIndex { $0.contains("┊9*6=4(") }!
  let x = Array(d.lines[pathRow]).firstIndex(of: "┊")! + 1
  #expect(d.grid[x, pathRow].style.bold && d.grid[x, pathRow].style.underline)
  #expect(!d.grid[x + 2, pathRow].style.underline)
}

@Test func eightColoursFoldBrightOntoBasic() {
  var d = ExplorerDriver(colorDepth: .colors8)
  d.feed(Scenes.finishedBatch)
  let bright: Set<Color> = [
    .brightBlack, .brightRed, .brightGreen, .brightYellow, .brightBlue, .brightMagenta,
    .brightCyan, .brightWhite,
  ]
  #expect(
    d.grid.cells.allSatisfy {
      !bright.contains($0.style.foreground) && !bright.contains($0.style.background)
    })
  #expect(d.grid.cells.contains { $0.style.foreground == .green })
}
