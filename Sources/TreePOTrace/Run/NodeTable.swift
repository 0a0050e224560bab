// The scan's table of a step's nodes — (prompt position, node id) → parent and segment lengths —
// to measure each path as it ends. An open-addressing table with a multiplicative hash: a step
// has millions of node lines, and `Dictionary`'s seeded SipHash was a third of the scan's time.

struct NodeTable {
  struct Info {
    /// The parent's node id, or -1 for a root.
    var parent = -1
    var tokens = 0
    var text = 0
    var length: Int { tokens > 0 ? tokens : text }
  }

  /// Key + 1 per slot (0 = empty); the key packs the position and the node id.
  private var keys: [UInt64] = Array(repeating: 0, count: 1024)
  private var values: [Info] = Array(repeating: Info(), count: 1024)
  private(set) var count = 0

  private static func key(_ position: Int, _ node: Int) -> UInt64 {
    (UInt64(truncatingIfNeeded: position) << 40 ^ UInt64(truncatingIfNeeded: node)) &+ 1
  }

  /// Fibonacci hashing: the product's top bits, which every bit of the key reaches.
  private func slot(of key: UInt64) -> Int {
    let mask = keys.count - 1
    let bits = UInt64(keys.count.trailingZeroBitCount)
    var i = Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> (64 - bits))
    while keys[i] != 0 && keys[i] != key { i = (i + 1) & mask }
    return i
  }

  subscript(position: Int, node: Int) -> Info? {
    let k = Self.key(position, node)
    let i = slot(of: k)
    return keys[i] == k ? values[i] : nil
  }

  /// Changes the node's info, adding it (as `Info()`) first when new.
  mutating func update(_ position: Int, _ node: Int, _ change: (inout Info) -> Void) {
    if 2 * (count + 1) > keys.count { grow() }
    let k = Self.key(position, node)
    let i = slot(of: k)
    if keys[i] == 0 {
      keys[i] = k
      values[i] = Info()
      count += 1
    }
    change(&values[i])
  }

  private mutating func grow() {
    let (oldKeys, oldValues) = (keys, values)
    keys = Array(repeating: 0, count: oldKeys.count * 2)
    values = Array(repeating: Info(), count: oldKeys.count * 2)
    for (k, v) in zip(oldKeys, oldValues) where k != 0 {
      let i = slot(of: k)
      keys[i] = k
      values[i] = v
    }
  }
}
