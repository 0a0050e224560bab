// The tensor table: each entry's dims, type and offset checked on its own as it is read, then
// all of them against the data section (in range, not overlapping) once its start is known.

extension GGUFParser {
  static let maxDims = 4

  mutating func tensorInfo(_ i: Int, alignment: Int) throws(GGUFError) -> GGUFFile.TensorInfo {
    let name = try string("the name of tensor \(i)")
    let nDims = try load(UInt32.self, "the dimension count of tensor \(name)")
    guard (1...UInt32(Self.maxDims)).contains(nDims) else {
      throw .badTensorInfo(
        path: path, tensor: name, reason: "has \(nDims) dimensions (1 to \(Self.maxDims) allowed)")
    }
    var dims: [Int] = []
    var elements = 1
    for _ in 0..<nDims {
      let d = try load(UInt64.self, "the dimensions of tensor \(name)")
      guard d >= 1, let dim = Int(exactly: d) else {
        throw .badTensorInfo(path: path, tensor: name, reason: "has a dimension of \(d)")
      }
      let (product, overflow) = elements.multipliedReportingOverflow(by: dim)
      guard !overflow else {
        throw .badTensorInfo(
          path: path, tensor: name,
          reason: "has dimensions \(dims + [dim]) whose element count overflows")
      }
      dims.append(dim)
      elements = product
    }
    let typeID = try load(UInt32.self, "the type of tensor \(name)")
    guard let type = GGMLType.known(typeID) else {
      throw .unknownTensorType(path: path, tensor: name, typeID: typeID)
    }
    guard dims[0] % type.blockSize == 0 else {
      throw .badTensorInfo(
        path: path, tensor: name,
        reason: "has rows of \(dims[0]) elements, not a multiple of the \(type.blockSize) that "
          + "a \(type.name) block holds")
    }
    let (byteCount, overflow) = (elements / type.blockSize).multipliedReportingOverflow(
      by: type.blockBytes)
    guard !overflow else {
      throw .badTensorInfo(
        path: path, tensor: name, reason: "has dimensions \(dims) whose byte size overflows")
    }
    let rawOffset = try load(UInt64.self, "the data offset of tensor \(name)")
    guard let offset = Int(exactly: rawOffset) else {
      throw .badTensorInfo(
        path: path, tensor: name, reason: "has data offset \(rawOffset), past the end of any file")
    }
    guard offset % alignment == 0 else {
      throw .badTensorInfo(
        path: path, tensor: name,
        reason: "has data offset \(rawOffset), not a multiple of the alignment \(alignment)")
    }
    return GGUFFile.TensorInfo(
      name: name, dims: dims, type: type, offset: offset, byteCount: byteCount)
  }

  /// Every tensor's bytes lie inside the data section and no two overlap.
  func checkData(_ tensors: [GGUFFile.TensorInfo], dataOffset: Int) throws(GGUFError) {
    let dataSize = size - min(dataOffset, size)
    for t in tensors {
      let (end, overflow) = t.offset.addingReportingOverflow(t.byteCount)
      guard !overflow, dataOffset <= size, end <= dataSize else {
        let absolute = dataOffset.addingReportingOverflow(t.offset)
        throw .truncated(
          path: path, what: "the data of tensor \(t.name)",
          offset: absolute.overflow ? Int.max : absolute.partialValue,
          needed: UInt64(t.byteCount), fileSize: size)
      }
    }
    let sorted = tensors.sorted { ($0.offset, $0.byteCount) < ($1.offset, $1.byteCount) }
    for (previous, next) in zip(sorted, sorted.dropFirst())
    where next.offset < previous.offset + previous.byteCount {
      throw .overlappingTensors(path: path, tensor: next.name, other: previous.name)
    }
  }
}
