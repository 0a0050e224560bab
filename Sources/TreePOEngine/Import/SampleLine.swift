// One dump line → one RolloutSample, for both formats. The only file that touches the JSON value
// type, so the importers follow the project's one JSON implementation wherever it lives.

/// Why a line was skipped: `reason` completes "FILE: line N …".
struct SampleLineError: Error {
  var reason: String
}

public enum SampleLineFormat: Sendable {
  /// verl's `trainer.rollout_data_dir` lines: input, output, score, step, uid, tree_idx, …
  case verl
  /// Any tool's flat groups: prompt, completion, reward, step?, group?, advantage?
  case flat
}

extension RolloutSample {
  /// Parses one line; `step` is the dump file's step (verl) or the default when the line has none.
  static func parse(
    _ bytes: ArraySlice<UInt8>, format: SampleLineFormat, step: Int
  ) throws(SampleLineError) -> RolloutSample {
    let value: JSONValue
    do {
      value = try JSONValue.parse(bytes)
    } catch {
      throw SampleLineError(reason: "is not valid JSON (\(error.reason) at column \(error.column))")
    }
    guard case .object = value else { throw SampleLineError(reason: "is not a JSON object") }
    let f = LineFields(value: value)
    let (promptKey, responseKey, scoreKey) =
      format == .verl ? ("input", "output", "score") : ("prompt", "completion", "reward")
    let prompt = try f.string(promptKey)
    var sample = RolloutSample(
      step: try f.optionalInt("step") ?? step, group: prompt, prompt: prompt,
      response: try f.string(responseKey))
    if format == .verl { sample.step = step }
    sample.score = try f.optionalNumber(scoreKey)
    sample.advantage = try f.optionalMean("advantage")
    if sample.advantage == nil { sample.advantage = try f.optionalMean("advantages") }
    sample.promptIds = try f.optionalInts("prompt_ids") ?? []
    sample.responseIds = try f.optionalInts("response_ids")
    if format == .verl {
      if let uid = try f.optionalString("uid") { sample.group = groupKey(uid: uid) }
    } else if let group = value["group"], group != .null {
      switch group {
      case .string(let s): sample.group = s
      case .int(let i): sample.group = String(i)
      default: throw SampleLineError(reason: "has a \"group\" that is not a string or integer")
      }
    }
    if let text = try f.optionalString("tree_idx") {
      guard let path = TreeIndexPath(text) else {
        throw SampleLineError(reason: "has a tree_idx \"\(text)\" that is not ROOT/ROUND-POS/…")
      }
      sample.treeIndex = path
    }
    sample.tokenCounts = try f.optionalInts("token_count_per_step")
    return sample
  }
}

private struct LineFields {
  let value: JSONValue

  private func present(_ key: String) -> JSONValue? {
    guard let v = value[key], v != .null else { return nil }
    return v
  }

  func string(_ key: String) throws(SampleLineError) -> String {
    guard let v = present(key) else { throw SampleLineError(reason: "has no \"\(key)\"") }
    guard case .string(let s) = v else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(v.typeName), not a string")
    }
    return s
  }

  func optionalString(_ key: String) throws(SampleLineError) -> String? {
    guard let v = present(key) else { return nil }
    guard case .string(let s) = v else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(v.typeName), not a string")
    }
    return s
  }

  func optionalInt(_ key: String) throws(SampleLineError) -> Int? {
    guard let v = present(key) else { return nil }
    guard let i = v.intValue else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(v.typeName), not an integer")
    }
    return i
  }

  func optionalNumber(_ key: String) throws(SampleLineError) -> Float? {
    guard let v = present(key) else { return nil }
    if case .bool(let b) = v { return b ? 1 : 0 }
    guard let d = v.doubleValue else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(v.typeName), not a number")
    }
    return Float(d)
  }

  /// A number, or the mean of a list of numbers (per-token advantages).
  func optionalMean(_ key: String) throws(SampleLineError) -> Float? {
    guard let v = present(key) else { return nil }
    if case .array(let items) = v {
      var sum = 0.0
      for item in items {
        guard let d = item.doubleValue else {
          throw SampleLineError(reason: "has a \"\(key)\" list with \(item.typeName) in it")
        }
        sum += d
      }
      return items.isEmpty ? nil : Float(sum / Double(items.count))
    }
    return try optionalNumber(key)
  }

  func optionalInts(_ key: String) throws(SampleLineError) -> [Int]? {
    guard let v = present(key) else { return nil }
    guard case .array(let items) = v else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(v.typeName), not a list")
    }
    var out: [Int] = []
    out.reserveCapacity(items.count)
    for item in items {
      guard case .int(let i) = item else {
        throw SampleLineError(reason: "has a \"\(key)\" list with \(item.typeName) in it")
      }
      out.append(i)
    }
    return out
  }
}
