import TreePOTrace

// One short line per event, for the status bar while stepping through a replay ("applied event
// 12: segment_decoded prompt 0 node 5, 6 tok"): the trace's own kind names, then what it touched.

func describe(_ event: TreeEvent) -> String {
  switch event {
  case .rolloutStarted(let e):
    return "rollout_started \(e.rollout) (\(e.prompts.count) prompts, \(e.sampler))"
  case .nodeSpawned(let e):
    let parent = e.parent.map { " under \($0)" } ?? ""
    return "node_spawned prompt \(e.prompt) node \(e.node)\(parent) (\(e.reason.rawValue))"
  case .segmentDecoded(let e):
    return "segment_decoded prompt \(e.prompt) node \(e.node), \(e.tokenIds.count) tok"
  case .nodeEnded(let e):
    return "node_ended prompt \(e.prompt) node \(e.node) \(e.outcome.rawValue) (\(e.reason))"
  case .fallback(let e):
    return "fallback prompt \(e.prompt): leaf \(e.sourceLeaf) cut back to node \(e.cutNode)"
  case .roundFinished(let e):
    return "round_finished \(e.round)\(e.done ? " (batch done)" : "")"
  case .advantagesAssigned(let e):
    return "advantages_assigned \(e.estimator), \(e.nodes.count) nodes"
  case .trainStep(let e):
    return "train_step \(e.step)"
  case .checkpointSaved(let e):
    return "checkpoint_saved step \(e.step)"
  }
}
