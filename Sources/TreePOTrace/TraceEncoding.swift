// Hand-written JSON for trace lines: the same shape as the Codable conformance
// (TreeEvent+Codable.swift), several times faster than JSONEncoder, because the sampler writes a
// line for every segment of every path. Keys come in a fixed order; dictionaries are sorted.

struct JSONLineWriter {
  var bytes: [UInt8] = []
  private var needsComma = false

  init() { bytes.reserveCapacity(256) }

  mutating func beginObject() {
    separate()
    bytes.append(UInt8(ascii: "{"))
    needsComma = false
  }
  mutating func endObject() {
    bytes.append(UInt8(ascii: "}"))
    needsComma = true
  }
  mutating func beginArray() {
    separate()
    bytes.append(UInt8(ascii: "["))
    needsComma = false
  }
  mutating func endArray() {
    bytes.append(UInt8(ascii: "]"))
    needsComma = true
  }

  mutating func key(_ name: String) {
    separate()
    string(name)
    bytes.append(UInt8(ascii: ":"))
    needsComma = false
  }

  private mutating func separate() {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    needsComma = true
  }

  mutating func value(_ v: Int) {
    separate()
    bytes.append(contentsOf: String(v).utf8)
  }
  mutating func value(_ v: UInt64) {
    separate()
    bytes.append(contentsOf: String(v).utf8)
  }
  mutating func value(_ v: Bool) {
    separate()
    bytes.append(contentsOf: (v ? "true" : "false").utf8)
  }
  mutating func value(_ v: Float) {
    separate()
    if v.isNaN {
      string("nan")
    } else if v.isInfinite {
      string(v < 0 ? "-inf" : "inf")
    } else {
      // `description` is the shortest text that reads back to the same Float.
      bytes.append(contentsOf: v.description.utf8)
    }
  }
  mutating func value(_ v: Double) {
    separate()
    if v.isNaN {
      string("nan")
    } else if v.isInfinite {
      string(v < 0 ? "-inf" : "inf")
    } else {
      bytes.append(contentsOf: v.description.utf8)
    }
  }
  mutating func value(_ v: String) {
    separate()
    string(v)
  }

  mutating func field(_ name: String, _ v: Int) {
    key(name)
    value(v)
  }
  mutating func field(_ name: String, _ v: Float) {
    key(name)
    value(v)
  }
  mutating func field(_ name: String, _ v: Double) {
    key(name)
    value(v)
  }
  mutating func field(_ name: String, _ v: Bool) {
    key(name)
    value(v)
  }
  mutating func field(_ name: String, _ v: String) {
    key(name)
    value(v)
  }
  mutating func field(_ name: String, _ v: Int?) { if let v { field(name, v) } }
  mutating func field(_ name: String, _ v: Float?) { if let v { field(name, v) } }
  mutating func field(_ name: String, _ v: String?) { if let v { field(name, v) } }
  mutating func field(_ name: String, _ v: [Int]) {
    key(name)
    beginArray()
    for x in v { value(x) }
    endArray()
  }
  mutating func field(_ name: String, _ v: [Float]) {
    key(name)
    beginArray()
    for x in v { value(x) }
    endArray()
  }
  mutating func field(_ name: String, _ v: [String: String]) {
    key(name)
    beginObject()
    for k in v.keys.sorted() { field(k, v[k]!) }
    endObject()
  }
  mutating func field(_ name: String, _ v: [String: Double]) {
    key(name)
    beginObject()
    for k in v.keys.sorted() { field(k, v[k]!) }
    endObject()
  }

  private mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for b in s.utf8 {
      switch b {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: Array("\\u00".utf8))
        bytes.append(hex[Int(b >> 4)])
        bytes.append(hex[Int(b & 15)])
      default: bytes.append(b)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}

extension TraceHeader {
  /// The header as one JSON line, newline included.
  public func jsonLine() -> [UInt8] {
    var w = JSONLineWriter()
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
}

extension TreeEvent {
  /// The event as one JSON line, newline included.
  public func jsonLine() -> [UInt8] {
    var w = JSONLineWriter()
    w.beginObject()
    w.field("kind", kind)
    switch self {
    case .rolloutStarted(let e):
      w.field("rollout", e.rollout)
      w.field("sampler", e.sampler)
      w.key("prompts")
      w.beginArray()
      for p in e.prompts {
        w.beginObject()
        w.field("index", p.index)
        w.field("text", p.text)
        w.field("tokenIds", p.tokenIds)
        w.endObject()
      }
      w.endArray()
      w.field("config", e.config)
    case .nodeSpawned(let e):
      w.field("prompt", e.prompt)
      w.field("node", e.node)
      w.field("parent", e.parent)
      w.field("depth", e.depth)
      w.field("reason", e.reason.rawValue)
    case .segmentDecoded(let e):
      w.field("prompt", e.prompt)
      w.field("node", e.node)
      w.field("tokenIds", e.tokenIds)
      w.field("text", e.text)
      w.field("logprobs", e.logprobs)
      w.field("entropies", e.entropies)
    case .nodeEnded(let e):
      w.field("prompt", e.prompt)
      w.field("node", e.node)
      w.field("outcome", e.outcome.rawValue)
      w.field("reason", e.reason)
      w.field("reward", e.reward)
      w.field("failure", e.failure)
    case .fallback(let e):
      w.field("prompt", e.prompt)
      w.field("sourceLeaf", e.sourceLeaf)
      w.field("cutNode", e.cutNode)
      w.field("cutDepth", e.cutDepth)
    case .roundFinished(let e):
      w.field("round", e.round)
      w.key("counters")
      e.counters.write(into: &w)
      w.field("done", e.done)
    case .advantagesAssigned(let e):
      w.field("estimator", e.estimator)
      w.key("nodes")
      w.beginArray()
      for n in e.nodes {
        w.beginObject()
        w.field("prompt", n.prompt)
        w.field("node", n.node)
        w.field("advantage", n.advantage)
        w.endObject()
      }
      w.endArray()
    case .trainStep(let e):
      w.field("step", e.step)
      w.field("metrics", e.metrics)
      w.key("changes")
      w.beginArray()
      for c in e.changes {
        w.beginObject()
        w.field("prompt", c.prompt)
        w.field("node", c.node)
        w.field("before", c.before)
        w.field("after", c.after)
        w.endObject()
      }
      w.endArray()
    case .checkpointSaved(let e):
      w.field("step", e.step)
      w.field("path", e.path)
    }
    w.endObject()
    w.bytes.append(0x0A)
    return w.bytes
  }
}

extension RolloutCounters {
  fileprivate func write(into w: inout JSONLineWriter) {
    w.beginObject()
    w.field("decodedTokens", decodedTokens)
    w.field("flatEquivalentTokens", flatEquivalentTokens)
    w.field("sharedPrefixTokens", sharedPrefixTokens)
    w.field("kvPagesInUse", kvPagesInUse)
    w.field("kvPagesPeak", kvPagesPeak)
    w.field("active", active)
    w.field("finished", finished)
    w.field("stopped", stopped)
    w.field("truncated", truncated)
    w.field("pruned", pruned)
    w.field("fallbacks", fallbacks)
    w.field("elapsedSeconds", elapsedSeconds)
    w.endObject()
  }
}
