// Each payload's trace-line fields: `write(into:)` and, right below it, the decoding `init`, so the
// two cannot drift apart unnoticed (the round-trip and golden-line tests pin both).

extension RolloutStarted {
  func write(into w: inout JSONWriter) {
    w.field("rollout", rollout)
    w.field("sampler", sampler)
    w.key("prompts")
    w.beginArray()
    for p in prompts {
      w.beginObject()
      w.field("index", p.index)
      w.field("text", p.text)
      w.field("tokenIds", p.tokenIds)
      w.endObject()
    }
    w.endArray()
    w.field("config", config)
  }
  init(_ f: Fields) throws(TraceFieldError) {
    var prompts: [PromptInfo] = []
    for p in try f.objects("prompts") {
      prompts.append(
        PromptInfo(
          index: try p.int("index"), text: try p.string("text"), tokenIds: try p.ints("tokenIds")))
    }
    self.init(
      rollout: try f.int("rollout"), sampler: try f.string("sampler"), prompts: prompts,
      config: try f.stringMap("config"))
  }
}

extension NodeSpawned {
  func write(into w: inout JSONWriter) {
    w.field("prompt", prompt)
    w.field("node", node)
    w.field("parent", parent)
    w.field("depth", depth)
    w.field("reason", reason.rawValue)
    w.field("forkEntropy", forkEntropy)
  }
  init(_ f: Fields) throws(TraceFieldError) {
    guard let reason = SpawnReason(rawValue: try f.string("reason")) else {
      throw TraceFieldError(reason: "bad value at \"reason\"")
    }
    self.init(
      prompt: try f.int("prompt"), node: try f.int("node"), parent: try f.optionalInt("parent"),
      depth: try f.int("depth"), reason: reason, forkEntropy: try f.optionalFloat("forkEntropy"))
  }
}

extension SegmentDecoded {
  func write(into w: inout JSONWriter) {
    w.field("prompt", prompt)
    w.field("node", node)
    w.field("tokenIds", tokenIds)
    w.field("text", text)
    w.field("logprobs", logprobs)
    w.field("entropies", entropies)
    w.field("tokenTexts", tokenTexts)
  }
  init(_ f: Fields) throws(TraceFieldError) {
    self.init(
      prompt: try f.int("prompt"), node: try f.int("node"), tokenIds: try f.ints("tokenIds"),
      text: try f.string("text"), logprobs: try f.floats("logprobs"),
      entropies: try f.floats("entropies"), tokenTexts: try f.optionalStrings("tokenTexts"))
  }
}

extension NodeEnded {
  func write(into w: inout JSONWriter) {
    w.field("prompt", prompt)
    w.field("node", node)
    w.field("outcome", outcome.rawValue)
    w.field("reason", reason)
    w.field("reward", reward)
    w.field("failure", failure)
  }
  init(_ f: Fields) throws(TraceFieldError) {
    guard let outcome = NodeOutcome(rawValue: try f.string("outcome")) else {
      throw TraceFieldError(reason: "bad value at \"outcome\"")
    }
    self.init(
      prompt: try f.int("prompt"), node: try f.int("node"), outcome: outcome,
      reason: try f.string("reason"), reward: try f.optionalFloat("reward"),
      failure: try f.optionalString("failure"))
  }
}

extension FallbackTaken {
  func write(into w: inout JSONWriter) {
    w.field("prompt", prompt)
    w.field("sourceLeaf", sourceLeaf)
    w.field("cutNode", cutNode)
    w.field("cutDepth", cutDepth)
  }
  init(_ f: Fields) throws(TraceFieldError) {
    self.init(
      prompt: try f.int("prompt"), sourceLeaf: try f.int("sourceLeaf"),
      cutNode: try f.int("cutNode"), cutDepth: try f.int("cutDepth"))
  }
}

extension RoundFinished {
  func write(into w: inout JSONWriter) {
    w.field("round", round)
    w.key("counters")
    w.beginObject()
    w.field("decodedTokens", counters.decodedTokens)
    w.field("flatEquivalentTokens", counters.flatEquivalentTokens)
    w.field("sharedPrefixTokens", counters.sharedPrefixTokens)
    w.field("kvPagesInUse", counters.kvPagesInUse)
    w.field("kvPagesPeak", counters.kvPagesPeak)
    w.field("active", counters.active)
    w.field("finished", counters.finished)
    w.field("stopped", counters.stopped)
    w.field("truncated", counters.truncated)
    w.field("pruned", counters.pruned)
    w.field("fallbacks", counters.fallbacks)
    w.field("elapsedSeconds", counters.elapsedSeconds)
    w.endObject()
    w.field("done", done)
  }
  init(_ f: Fields) throws(TraceFieldError) {
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
    self.init(round: try f.int("round"), counters: counters, done: try f.bool("done"))
  }
}

extension AdvantagesAssigned {
  func write(into w: inout JSONWriter) {
    w.field("estimator", estimator)
    w.key("nodes")
    w.beginArray()
    for n in nodes {
      w.beginObject()
      w.field("prompt", n.prompt)
      w.field("node", n.node)
      w.field("advantage", n.advantage)
      w.endObject()
    }
    w.endArray()
  }
  init(_ f: Fields) throws(TraceFieldError) {
    var nodes: [NodeAdvantage] = []
    for n in try f.objects("nodes") {
      nodes.append(
        NodeAdvantage(
          prompt: try n.int("prompt"), node: try n.int("node"), advantage: try n.float("advantage"))
      )
    }
    self.init(estimator: try f.string("estimator"), nodes: nodes)
  }
}

extension TrainStepFinished {
  func write(into w: inout JSONWriter) {
    w.field("step", step)
    w.field("metrics", metrics)
    w.key("changes")
    w.beginArray()
    for c in changes {
      w.beginObject()
      w.field("prompt", c.prompt)
      w.field("node", c.node)
      w.field("before", c.before)
      w.field("after", c.after)
      w.endObject()
    }
    w.endArray()
  }
  init(_ f: Fields) throws(TraceFieldError) {
    var changes: [NodeLogprobChange] = []
    for c in try f.objects("changes") {
      changes.append(
        NodeLogprobChange(
          prompt: try c.int("prompt"), node: try c.int("node"), before: try c.float("before"),
          after: try c.float("after")))
    }
    self.init(step: try f.int("step"), metrics: try f.doubleMap("metrics"), changes: changes)
  }
}

extension CheckpointSaved {
  func write(into w: inout JSONWriter) {
    w.field("step", step)
    w.field("path", path)
  }
  init(_ f: Fields) throws(TraceFieldError) {
    self.init(step: try f.int("step"), path: try f.string("path"))
  }
}
