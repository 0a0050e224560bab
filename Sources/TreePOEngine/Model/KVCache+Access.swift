// Reading and writing keys and values: per position (writes, tests) and per page (attention).

extension KVCache {
  /// The key row [kvDim] of `position` in `layer` of `seq`. The position must be below the length.
  @inline(__always)
  public func keys(_ seq: SequenceID, layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
    row(seq, layer: layer, kind: 0, position: position)
  }

  /// The value row [kvDim] of `position` in `layer` of `seq`.
  @inline(__always)
  public func values(_ seq: SequenceID, layer: Int, position: Int) -> UnsafeMutablePointer<Float> {
    row(seq, layer: layer, kind: 1, position: position)
  }

  /// The page table of `seq`: page i holds positions i·pageSize ..< (i+1)·pageSize.
  public func pageTable(of seq: SequenceID) throws(KVCacheError) -> [Int32] {
    try state(seq).pages
  }

  /// Keys of one page for one layer: [pageSize, kvDim].
  @inline(__always)
  public func pageKeys(_ page: Int32, layer: Int) -> UnsafeMutablePointer<Float> {
    storage.at(Int(page) * pageStride + (layer * 2) * pageSize * kvDim)
  }

  /// Values of one page for one layer: [pageSize, kvDim].
  @inline(__always)
  public func pageValues(_ page: Int32, layer: Int) -> UnsafeMutablePointer<Float> {
    storage.at(Int(page) * pageStride + (layer * 2 + 1) * pageSize * kvDim)
  }

  /// How many sequences hold `page` (0 when it is free).
  public func referenceCount(ofPage page: Int32) -> Int { Int(refcounts[Int(page)]) }

  private func row(_ seq: SequenceID, layer: Int, kind: Int, position: Int)
    -> UnsafeMutablePointer<Float>
  {
    let state = sequences[Int(seq.slot)]!
    precondition(
      generations[Int(seq.slot)] == seq.generation && position >= 0 && position < state.length,
      "position \(position) is outside \(seq)")
    let page = Int(state.pages[position / pageSize])
    return storage.at(
      page * pageStride + ((layer * 2 + kind) * pageSize + position % pageSize) * kvDim)
  }
}
