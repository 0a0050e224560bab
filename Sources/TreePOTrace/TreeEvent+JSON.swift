// JSON shape of a trace line: the payload's fields (Swift property names; nil fields left out)
// plus a `kind` field, all in one flat object, e.g.
//   {"kind":"node_spawned","prompt":0,"node":3,"parent":1,"depth":2,"reason":"divergence"}
// Non-finite floats are written as the strings "nan", "inf" and "-inf". Each payload's encoding
// sits beside its decoding (TreeEvent+Payloads.swift); docs/trace-format.md describes the format.

extension TreeEvent {
  /// Every kind this version reads, in declaration order.
  public static let knownKinds: [String] = [
    "rollout_started", "node_spawned", "segment_decoded", "node_ended", "fallback",
    "round_finished", "advantages_assigned", "train_step", "checkpoint_saved",
  ]

  /// The event as one JSON line, newline included.
  public func jsonLine() -> [UInt8] {
    var w = JSONWriter()
    write(line: &w)
    return w.bytes
  }

  /// Appends the event's line to `w` (the trace writer puts a batch of events in one buffer).
  func write(line w: inout JSONWriter) {
    w.beginObject()
    w.field("kind", kind)
    switch self {
    case .rolloutStarted(let e): e.write(into: &w)
    case .nodeSpawned(let e): e.write(into: &w)
    case .segmentDecoded(let e): e.write(into: &w)
    case .nodeEnded(let e): e.write(into: &w)
    case .fallback(let e): e.write(into: &w)
    case .roundFinished(let e): e.write(into: &w)
    case .advantagesAssigned(let e): e.write(into: &w)
    case .trainStep(let e): e.write(into: &w)
    case .checkpointSaved(let e): e.write(into: &w)
    }
    w.endObject()
    w.endLine()
  }

  /// The event of a trace line's object, or nil when its kind is unknown to this version.
  static func decode(kind: String, _ f: Fields) throws(TraceFieldError) -> TreeEvent? {
    switch kind {
    case "rollout_started": .rolloutStarted(try RolloutStarted(f))
    case "node_spawned": .nodeSpawned(try NodeSpawned(f))
    case "segment_decoded": .segmentDecoded(try SegmentDecoded(f))
    case "node_ended": .nodeEnded(try NodeEnded(f))
    case "fallback": .fallback(try FallbackTaken(f))
    case "round_finished": .roundFinished(try RoundFinished(f))
    case "advantages_assigned": .advantagesAssigned(try AdvantagesAssigned(f))
    case "train_step": .trainStep(try TrainStepFinished(f))
    case "checkpoint_saved": .checkpointSaved(try CheckpointSaved(f))
    default: nil
    }
  }

  /// Parses one trace line (without its newline). Nil when the kind is unknown to this version.
  public static func parse(line: ArraySlice<UInt8>) throws -> TreeEvent? {
    var document = JSONDocument()
    try document.parse(line)
    guard document.kind(document.root) == .object else { throw TraceError("not a JSON object") }
    let f = Fields(document, document.root)
    do {
      return try decode(kind: try f.string("kind"), f)
    } catch {
      throw TraceError(error.reason)
    }
  }
}

extension TraceHeader {
  /// The header as one JSON line, newline included.
  public func jsonLine() -> [UInt8] {
    var w = JSONWriter()
    w.beginObject()
    w.field("format", format)
    w.field("version", version)
    w.field("model", model)
    w.field("task", task)
    w.field("config", config)
    w.key("seed")
    w.value(seed)
    w.endObject()
    w.bytes.append(0x0A)
    return w.bytes
  }

  init(_ f: Fields) throws(TraceFieldError) {
    self.init(
      model: try f.string("model"), task: try f.string("task"), config: try f.stringMap("config"),
      seed: try f.uint64("seed"), version: try f.int("version"))
    format = try f.string("format")
  }
}
