// Trace lines from parsed JSON (JSONScanner) to events: the same shape the Codable conformance
// reads (a test checks both agree), with errors that name the field.

struct TraceFieldError: Error {
  var reason: String
}

struct Fields {
  let object: [String: JSON]
  let path: String

  init(_ object: [String: JSON], path: String = "") {
    self.object = object
    self.path = path
  }

  private func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
  private func missing(_ key: String) -> TraceFieldError {
    TraceFieldError(reason: "missing field \"\(name(key))\"")
  }
  private func bad(_ key: String) -> TraceFieldError {
    TraceFieldError(reason: "bad value at \"\(name(key))\"")
  }

  private func value(_ key: String) throws -> JSON {
    guard let v = object[key] else { throw missing(key) }
    return v
  }
  private func optional(_ key: String) -> JSON? {
    guard let v = object[key], v != .null else { return nil }
    return v
  }

  func int(_ key: String) throws -> Int {
    guard case .int(let v) = try value(key) else { throw bad(key) }
    return v
  }
  func optionalInt(_ key: String) throws -> Int? {
    guard let v = optional(key) else { return nil }
    guard case .int(let i) = v else { throw bad(key) }
    return i
  }
  func uint64(_ key: String) throws -> UInt64 {
    switch try value(key) {
    case .int(let v) where v >= 0: return UInt64(v)
    case .number(let t): if let v = UInt64(t) { return v }
    default: break
    }
    throw bad(key)
  }
  func bool(_ key: String) throws -> Bool {
    guard case .bool(let v) = try value(key) else { throw bad(key) }
    return v
  }
  func string(_ key: String) throws -> String {
    guard case .string(let v) = try value(key) else { throw bad(key) }
    return v
  }
  func optionalString(_ key: String) throws -> String? {
    guard let v = optional(key) else { return nil }
    guard case .string(let s) = v else { throw bad(key) }
    return s
  }
  func float(_ key: String) throws -> Float {
    guard let f = Self.float(try value(key)) else { throw bad(key) }
    return f
  }
  func optionalFloat(_ key: String) throws -> Float? {
    guard let v = optional(key) else { return nil }
    guard let f = Self.float(v) else { throw bad(key) }
    return f
  }
  func double(_ key: String) throws -> Double {
    guard let d = Self.double(try value(key)) else { throw bad(key) }
    return d
  }
  func ints(_ key: String) throws -> [Int] {
    guard case .array(let items) = try value(key) else { throw bad(key) }
    return try items.map { item in
      guard case .int(let v) = item else { throw bad(key) }
      return v
    }
  }
  func floats(_ key: String) throws -> [Float] {
    guard case .array(let items) = try value(key) else { throw bad(key) }
    return try items.map { item in
      guard let f = Self.float(item) else { throw bad(key) }
      return f
    }
  }
  func stringMap(_ key: String) throws -> [String: String] {
    guard case .object(let o) = try value(key) else { throw bad(key) }
    return try o.mapValues { v in
      guard case .string(let s) = v else { throw bad(key) }
      return s
    }
  }
  func doubleMap(_ key: String) throws -> [String: Double] {
    guard case .object(let o) = try value(key) else { throw bad(key) }
    return try o.mapValues { v in
      guard let d = Self.double(v) else { throw bad(key) }
      return d
    }
  }
  func object(_ key: String) throws -> Fields {
    guard case .object(let o) = try value(key) else { throw bad(key) }
    return Fields(o, path: name(key))
  }
  func objects(_ key: String) throws -> [Fields] {
    guard case .array(let items) = try value(key) else { throw bad(key) }
    return try items.enumerated().map { i, item in
      guard case .object(let o) = item else { throw bad(key) }
      return Fields(o, path: name("\(key).\(i)"))
    }
  }

  private static func float(_ v: JSON) -> Float? {
    switch v {
    case .int(let i): Float(i)
    case .number(let t): Float(t)
    case .string("nan"): .nan
    case .string("inf"): .infinity
    case .string("-inf"): -.infinity
    default: nil
    }
  }
  private static func double(_ v: JSON) -> Double? {
    switch v {
    case .int(let i): Double(i)
    case .number(let t): Double(t)
    case .string("nan"): .nan
    case .string("inf"): .infinity
    case .string("-inf"): -.infinity
    default: nil
    }
  }
}

extension TraceHeader {
  init(_ f: Fields) throws {
    self.init(
      model: try f.string("model"), task: try f.string("task"), config: try f.stringMap("config"),
      seed: try f.uint64("seed"), version: try f.int("version"))
    format = try f.string("format")
  }
}

extension TreeEvent {
  /// The event of a trace line's object, or nil when its kind is unknown to this version.
  static func decode(kind: String, _ f: Fields) throws -> TreeEvent? {
    switch kind {
    case "rollout_started":
      return .rolloutStarted(
        RolloutStarted(
          rollout: try f.int("rollout"), sampler: try f.string("sampler"),
          prompts: try f.objects("prompts").map { p in
            PromptInfo(
              index: try p.int("index"), text: try p.string("text"),
              tokenIds: try p.ints("tokenIds"))
          }, config: try f.stringMap("config")))
    case "node_spawned":
      guard let reason = SpawnReason(rawValue: try f.string("reason")) else {
        throw TraceFieldError(reason: "bad value at \"reason\"")
      }
      return .nodeSpawned(
        NodeSpawned(
          prompt: try f.int("prompt"), node: try f.int("node"), parent: try f.optionalInt("parent"),
          depth: try f.int("depth"), reason: reason))
    case "segment_decoded":
      return .segmentDecoded(
        SegmentDecoded(
          prompt: try f.int("prompt"), node: try f.int("node"), tokenIds: try f.ints("tokenIds"),
          text: try f.string("text"), logprobs: try f.floats("logprobs"),
          entropies: try f.floats("entropies")))
    case "node_ended":
      guard let outcome = NodeOutcome(rawValue: try f.string("outcome")) else {
        throw TraceFieldError(reason: "bad value at \"outcome\"")
      }
      return .nodeEnded(
        NodeEnded(
          prompt: try f.int("prompt"), node: try f.int("node"), outcome: outcome,
          reason: try f.string("reason"), reward: try f.optionalFloat("reward"),
          failure: try f.optionalString("failure")))
    case "fallback":
      return .fallback(
        FallbackTaken(
          prompt: try f.int("prompt"), sourceLeaf: try f.int("sourceLeaf"),
          cutNode: try f.int("cutNode"), cutDepth: try f.int("cutDepth")))
    case "round_finished":
      let c = try f.object("counters")
      var counters = RolloutCounters()
      counters.decodedTokens = try c.int("decodedTokens")
      counters.flatEquivalentTokens = try c.int("flatEquivalentTokens")
      counters.sharedPrefixTokens = try c.int("sharedPrefixTokens")
      counters.kvPagesInUse = try c.int("kvPagesInUse")
      counters.kvPagesPeak = try c.int("kvPagesPeak")
      counters.active = try c.int("active")
      counters.finished = try c.int("finished")
      counters.stopped = try c.int("stopped")
      counters.truncated = try c.int("truncated")
      counters.pruned = try c.int("pruned")
      counters.fallbacks = try c.int("fallbacks")
      counters.elapsedSeconds = try c.double("elapsedSeconds")
      return .roundFinished(
        RoundFinished(round: try f.int("round"), counters: counters, done: try f.bool("done")))
    case "advantages_assigned":
      return .advantagesAssigned(
        AdvantagesAssigned(
          estimator: try f.string("estimator"),
          nodes: try f.objects("nodes").map { n in
            NodeAdvantage(
              prompt: try n.int("prompt"), node: try n.int("node"),
              advantage: try n.float("advantage"))
          }))
    case "train_step":
      return .trainStep(
        TrainStepFinished(
          step: try f.int("step"), metrics: try f.doubleMap("metrics"),
          changes: try f.objects("changes").map { c in
            NodeLogprobChange(
              prompt: try c.int("prompt"), node: try c.int("node"), before: try c.float("before"),
              after: try c.float("after"))
          }))
    case "checkpoint_saved":
      return .checkpointSaved(
        CheckpointSaved(step: try f.int("step"), path: try f.string("path")))
    default:
      return nil
    }
  }
}
