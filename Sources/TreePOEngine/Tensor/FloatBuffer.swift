// A fixed-size, 64-byte aligned Float allocation: the storage of parameters, gradients, optimizer
// moments and activations. Views are (pointer + offset) with shapes written in comments at use sites.

public final class FloatBuffer: @unchecked Sendable {
  public let count: Int
  public let pointer: UnsafeMutablePointer<Float>

  public init(count: Int, zeroed: Bool = true) {
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    if zeroed { pointer.initialize(repeating: 0, count: max(count, 1)) }
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }

  public subscript(i: Int) -> Float {
    get { pointer[i] }
    set { pointer[i] = newValue }
  }

  /// A pointer `offset` floats into the buffer.
  @inline(__always) public func at(_ offset: Int) -> UnsafeMutablePointer<Float> {
    pointer + offset
  }

  public func zero() { pointer.update(repeating: 0, count: count) }

  public func copy(from other: FloatBuffer) {
    precondition(other.count == count, "buffer sizes differ: \(other.count) vs \(count)")
    pointer.update(from: other.pointer, count: count)
  }

  public var array: [Float] { Array(UnsafeBufferPointer(start: pointer, count: count)) }
}
