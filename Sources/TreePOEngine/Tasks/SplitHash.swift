// The train / held-out split, decided by a stable hash of the canonical problem, so the two splits
// are disjoint by construction and the same on every machine and run (Swift's Hasher is seeded per
// process and would not do).

enum SplitHash {
  /// One in `heldOutModulus` distinct problems is held out.
  static let heldOutModulus: UInt64 = 8

  /// FNV-1a over the key's bytes, finished with a SplitMix64 mix so nearby keys spread out.
  static func hash(_ key: String) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    for b in key.utf8 {
      h ^= UInt64(b)
      h &*= 0x0000_0100_0000_01B3
    }
    return mix(h)
  }

  static func mix(_ value: UInt64) -> UInt64 {
    var z = value &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The split a canonical problem key belongs to.
  static func split(ofKey key: String) -> Split {
    hash(key) % heldOutModulus == 0 ? .heldOut : .train
  }

  /// The seed of generation attempt `attempt` for (task, split, index, size): each problem is drawn
  /// from its own generator, so index i does not depend on how many problems came before it.
  static func seed(task: String, split: Split, index: Int, size: Int, attempt: Int) -> UInt64 {
    mix(hash("\(task)|\(split.rawValue)|\(size)|\(index)") &+ UInt64(attempt))
  }
}
