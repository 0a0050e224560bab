import Foundation

// One dump line → one Sample, for both formats. The only file that touches JSON, so the importers
// follow the project's one JSON implementation (TreePOTrace's tape). The members the importer
// wants are found in one pass over the top-level object; string values stay where they lie in the
// step buffer, and only those with escapes are decoded (into the buffer, after the file).

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

/// Parses the lines of one step buffer, keeping its tape and the last prompt from line to line.
struct SampleLineParser {
  let format: SampleLineFormat
  let buffer: StepBuffer
  private var tape = JSONTape()
  /// The prompt of the line before, raw and decoded: the samples of a group come one after another
  /// with the same prompt, so its bytes are compared instead of decoded again.
  private var lastPrompt: (raw: Span, text: Span)?

  init(format: SampleLineFormat, buffer: StepBuffer) {
    self.format = format
    self.buffer = buffer
  }

  /// Parses the line `line` (a span of the buffer); `step` is the dump file's step (verl) or the
  /// default when the line has none. Room for the line's unescaped strings must be reserved.
  mutating func parse(_ line: Span, step: Int) throws(SampleLineError) -> Sample {
    let bytes = buffer.bytes(line)
    do {
      try tape.parse(bytes)
    } catch {
      throw SampleLineError(reason: "is not valid JSON (\(error.reason) at column \(error.column))")
    }
    return try tape.tokens.withUnsafeBufferPointer { tokens throws(SampleLineError) in
      var f = LineFields(bytes: bytes, tokens: tokens, lineStart: line.start, format: format)
      return try sample(&f, step: step)
    }
  }

  private mutating func sample(_ f: inout LineFields, step: Int) throws(SampleLineError) -> Sample {
    guard f.tokens[0].kind == .object else { throw SampleLineError(reason: "is not a JSON object") }
    f.findMembers()
    let verl = format == .verl
    let promptKey = verl ? "input" : "prompt"
    guard let promptValue = f.present(.prompt) else {
      throw SampleLineError(reason: "has no \"\(promptKey)\"")
    }
    let prompt = try promptSpan(promptValue, &f, key: promptKey)
    let lineStep = try f.optionalInt(.step, "step")
    let responseKey = verl ? "output" : "completion"
    guard let response = try f.optionalString(.response, responseKey, into: buffer) else {
      throw SampleLineError(reason: "has no \"\(responseKey)\"")
    }
    var sample = Sample(
      step: verl ? step : lineStep ?? step, line: 0, group: prompt, prompt: prompt,
      response: response)
    sample.score = try f.optionalNumber(.score, verl ? "score" : "reward")
    sample.advantage = try f.optionalMean(.advantage, "advantage")
    if sample.advantage == nil { sample.advantage = try f.optionalMean(.advantages, "advantages") }
    sample.promptIds = try f.optionalInts(.promptIds, "prompt_ids", into: buffer) ?? .empty
    sample.responseIds = try f.optionalInts(.responseIds, "response_ids", into: buffer)
    if verl {
      if let key = try f.optionalGroupKey(.group, "uid", into: buffer) { sample.group = key }
    } else if let group = f.present(.group) {
      let token = f.tokens[group]
      if token.kind == .string {
        sample.group = f.string(group, into: buffer)
      } else if let i = JSONDocument.int(token, in: f.bytes) {
        sample.group = f.append(String(i), to: buffer)
      } else {
        throw SampleLineError(reason: "has a \"group\" that is not a string or integer")
      }
    }
    sample.path = try f.optionalTreeIndex(.treeIndex, into: buffer)
    sample.tokenCounts = try f.optionalInts(.tokenCounts, "token_count_per_step", into: buffer)
    return sample
  }

  private mutating func promptSpan(
    _ v: Int, _ f: inout LineFields, key: String
  ) throws(SampleLineError) -> Span {
    guard f.tokens[v].kind == .string else {
      throw SampleLineError(reason: "has a \"\(key)\" that is \(f.typeName(v)), not a string")
    }
    let raw = f.raw(v)
    if let last = lastPrompt, last.raw.count == raw.count,
      raw.count == 0
        || memcmp(buffer.base + last.raw.start, buffer.base + raw.start, raw.count) == 0
    {
      return last.text
    }
    let text = f.string(v, into: buffer)
    lastPrompt = (raw, text)
    return text
  }
}

/// One sampled response of one prompt at one training step, its text as spans of the step buffer.
struct Sample {
  var step: Int
  /// The line of the dump file it came from.
  var line: Int
  /// The group's key bytes: verl's `uid` without its suffixes, else `group`, else the prompt.
  var group: Span
  var prompt: Span
  var response: Span
  /// Spans of the buffer's `ints`.
  var promptIds = Span.empty
  var responseIds: Span?
  var score: Float?
  var advantage: Float?
  /// TreePO's `tree_idx` in `ints`: root, then round, position for each segment.
  var path: Span?
  /// TreePO's `token_count_per_step` in `ints`.
  var tokenCounts: Span?

  init(step: Int, line: Int, group: Span, prompt: Span, response: Span) {
    self.step = step
    self.line = line
    self.group = group
    self.prompt = prompt
    self.response = response
  }

  /// Segments of the path (each two ints).
  var segmentCount: Int { path.map { ($0.count - 1) / 2 } ?? 0 }
}
