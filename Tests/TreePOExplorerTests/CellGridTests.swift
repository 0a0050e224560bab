import Testing
import TreePOExplorer

@Test func emptyGridPrintsQuotedBlankRows() {
  let grid = CellGrid(size: Size(width: 3, height: 2))
  #expect(grid.description == "\"   \"\n\"   \"")
}
