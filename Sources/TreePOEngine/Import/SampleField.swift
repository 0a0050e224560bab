import Foundation

// The members of a dump line the importer reads: verl names them input, output, score, uid…;
// the flat format prompt, completion, reward, group…

/// (At most 16: LineFields keeps their token indices in a SIMD16.)
enum SampleField: Int {
  case prompt, response, score, step, advantage, advantages, promptIds, responseIds, group
  case treeIndex, tokenCounts

  /// The field named by the `n` bytes at `p` (a key as it stands, or decoded), if any: a switch
  /// on the length, then one comparison, with no array or String per key.
  static func named(_ p: UnsafePointer<UInt8>, _ n: Int, _ format: SampleLineFormat) -> SampleField?
  {
    func be(_ name: StaticString) -> Bool { memcmp(p, name.utf8Start, n) == 0 }
    let verl = format == .verl
    switch n {
    case 3: return verl && be("uid") ? .group : nil
    case 4: return be("step") ? .step : nil
    case 5:
      if verl { return be("input") ? .prompt : be("score") ? .score : nil }
      return be("group") ? .group : nil
    case 6:
      if verl { return be("output") ? .response : nil }
      return be("prompt") ? .prompt : be("reward") ? .score : nil
    case 8: return be("tree_idx") ? .treeIndex : nil
    case 9: return be("advantage") ? .advantage : nil
    case 10:
      if be("advantages") { return .advantages }
      if be("prompt_ids") { return .promptIds }
      return !verl && be("completion") ? .response : nil
    case 12: return be("response_ids") ? .responseIds : nil
    case 20: return be("token_count_per_step") ? .tokenCounts : nil
    default: return nil
    }
  }
}
