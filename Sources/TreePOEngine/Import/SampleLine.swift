// One dump line → one RolloutSample, for both formats. The only file that touches JSON, so the
// importers follow the project's one JSON implementation wherever it lives. Fields are read off
// the parser's tape: no value tree, and only the strings the sample keeps are decoded.

import Foundation

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
  /// `prompts` carries the last prompt from line to line.
  static func parse(
    _ bytes: ArraySlice<UInt8>, format: SampleLineFormat, step: Int, prompts: inout PromptCache
  ) throws(SampleLineError) -> RolloutSample {
    // A document per line: one kept across lines would hold on to the reader's buffer, and the
    // reader would copy it instead of reusing it.
    let document: JSONDocument
    do {
      document = try JSONDocument(parsing: bytes)
    } catch {
      throw SampleLineError(reason: "is not valid JSON (\(error.reason) at column \(error.column))")
    }
    guard document.kind(document.root) == .object else {
      throw SampleLineError(reason: "is not a JSON object")
    }
    let f = LineFields(document: document)
    let (promptKey, responseKey, scoreKey) =
      format == .verl ? ("input", "output", "score") : ("prompt", "completion", "reward")
    guard let promptValue = f.present(promptKey) else {
      throw SampleLineError(reason: "has no \"\(promptKey)\"")
    }
    let prompt = try prompts.string(promptValue, f, key: promptKey)
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
      if let key = try f.optionalGroupKey("uid") { sample.group = key }
    } else if let group = f.present("group") {
      if document.kind(group) == .string {
        sample.group = document.string(group)
      } else if let i = document.int(group) {
        sample.group = String(i)
      } else {
        throw SampleLineError(reason: "has a \"group\" that is not a string or integer")
      }
    }
    sample.treeIndex = try f.optionalTreeIndex("tree_idx")
    sample.tokenCounts = try f.optionalInts("token_count_per_step")
    return sample
  }
}

/// The prompt of the line before: the samples of a group come one after another with the same
/// prompt, so its bytes are compared instead of decoded again (and the samples share one String).
struct PromptCache {
  private var raw: [UInt8] = []
  private var text = ""

  fileprivate mutating func string(
    _ v: Int, _ f: LineFields, key: String
  ) throws(SampleLineError) -> String {
    guard f.document.kind(v) == .string else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(f.typeName(v)), not a string")
    }
    let same = f.document.withRawString(v) { bytes, _ in
      raw.withUnsafeBufferPointer { old in
        old.count == bytes.count
          && (old.isEmpty || memcmp(old.baseAddress!, bytes.baseAddress!, old.count) == 0)
      }
    }
    if !same {
      text = f.document.string(v)
      raw = f.document.withRawString(v) { bytes, _ in Array(bytes) }
    }
    return text
  }
}

/// The line's members, read straight off the parser's tape (no value tree is built).
private struct LineFields {
  let document: JSONDocument

  /// The value of `key` unless it is absent or null.
  func present(_ key: String) -> Int? {
    guard let v = document.member(document.root, key), document.kind(v) != .null else {
      return nil
    }
    return v
  }

  func typeName(_ v: Int) -> String {
    switch document.kind(v) {
    case .null: "null"
    case .true, .false: "a boolean"
    case .number: document.int(v) != nil ? "an integer" : "a number"
    case .string: "a string"
    case .array: "an array"
    case .object: "an object"
    }
  }

  /// An integer, or a number with an integral value below 1e15 (`1e3`, `2.0`).
  private func integer(_ v: Int) -> Int? {
    if let i = document.int(v) { return i }
    guard let d = document.double(v), d == d.rounded(), abs(d) < 1e15 else { return nil }
    return Int(d)
  }

  func string(_ key: String) throws(SampleLineError) -> String {
    guard let s = try optionalString(key) else {
      throw SampleLineError(reason: "has no \"\(key)\"")
    }
    return s
  }

  func optionalString(_ key: String) throws(SampleLineError) -> String? {
    guard let v = present(key) else { return nil }
    guard document.kind(v) == .string else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a string")
    }
    return document.string(v)
  }

  /// The group of verl's `uid`; the usual (ASCII) uid is read from its bytes.
  func optionalGroupKey(_ key: String) throws(SampleLineError) -> String? {
    guard let v = present(key) else { return nil }
    if document.kind(v) == .string,
      let group = document.withRawString(v, { $1 ? nil : groupKey(asciiUID: $0) })
    {
      return group
    }
    return try optionalString(key).map { groupKey(uid: $0) }
  }

  /// TreePO's path; the usual form is read from the bytes without making a String.
  func optionalTreeIndex(_ key: String) throws(SampleLineError) -> TreeIndexPath? {
    guard let v = present(key) else { return nil }
    if document.kind(v) == .string,
      let path = document.withRawString(v, { $1 ? nil : TreeIndexPath(digits: $0) })
    {
      return path
    }
    guard let text = try optionalString(key) else { return nil }
    guard let path = TreeIndexPath(text) else {
      throw SampleLineError(reason: "has a tree_idx \"\(text)\" that is not ROOT/ROUND-POS/…")
    }
    return path
  }

  func optionalInt(_ key: String) throws(SampleLineError) -> Int? {
    guard let v = present(key) else { return nil }
    guard let i = integer(v) else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not an integer")
    }
    return i
  }

  func optionalNumber(_ key: String) throws(SampleLineError) -> Float? {
    guard let v = present(key) else { return nil }
    switch document.kind(v) {
    case .true: return 1
    case .false: return 0
    default: break
    }
    guard let d = document.double(v) else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a number")
    }
    return Float(d)
  }

  /// A number, or the mean of a list of numbers (per-token advantages).
  func optionalMean(_ key: String) throws(SampleLineError) -> Float? {
    guard let v = present(key) else { return nil }
    guard document.kind(v) == .array else { return try optionalNumber(key) }
    var sum = 0.0
    for item in document.children(v) {
      guard let d = document.double(item) else {
        throw SampleLineError(reason: "has a \"\(key)\" list with \(typeName(item)) in it")
      }
      sum += d
    }
    let count = document.count(v)
    return count == 0 ? nil : Float(sum / Double(count))
  }

  func optionalInts(_ key: String) throws(SampleLineError) -> [Int]? {
    guard let v = present(key) else { return nil }
    guard document.kind(v) == .array else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(typeName(v)), not a list")
    }
    var out: [Int] = []
    out.reserveCapacity(document.count(v))
    for item in document.children(v) {
      guard let i = document.int(item) else {
        throw SampleLineError(reason: "has a \"\(key)\" list with \(typeName(item)) in it")
      }
      out.append(i)
    }
    return out
  }
}
