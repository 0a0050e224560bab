import ArgumentParser
import Foundation
import TreePOEngine
import TreePOExplorer

extension Treepo.Bench {
  /// `treepo bench render`: explorer render time on a large tree, and trace write/load of a long
  /// run.
  struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "render",
      abstract: "Time rendering a 2,000-node tree and writing/loading a 100k-event trace.")

    @Option(help: "Nodes in the rendered tree (at least).")
    var nodes = 2000

    @Option(help: "Events in the trace (at least).")
    var events = 100_000

    @Option(help: "Tokens per segment of the rendered tree (real responses run to thousands).")
    var segmentTokens = 6

    @Option(help: "Repeats; the median is reported.")
    var repeats = 50

    @Option(help: "Terminal size for rendering, WIDTHxHEIGHT.")
    var size = "120x40"

    func validate() throws {
      try Check.atLeast("--nodes", nodes, 1)
      try Check.atLeast("--events", events, 1)
      try Check.atLeast("--segment-tokens", segmentTokens, 1)
      try Check.atLeast("--repeats", repeats, 1)
      guard parseSize(size) != nil else {
        throw ValidationError("--size must look like 120x40, got \"\(size)\".")
      }
    }

    func run() throws {
      let screen = parseSize(size)!
      // One prompt with a tree of at least `nodes` nodes.
      var divergence = 16
      var tree: [TreeEvent] = []
      var count = 0
      repeat {
        tree = SyntheticTrace(
          prompts: 1, width: 4 * divergence, segmentLength: segmentTokens, maxDepth: 10,
          initialDivergence: divergence
        ).events()
        count = tree.reduce(0) { n, e in if case .nodeSpawned = e { n + 1 } else { n } }
        divergence += divergence / 2
      } while count < nodes
      var explorer = Explorer(mode: .live)
      for e in tree { explorer.apply(e) }
      explorer.resize(screen)
      // Select the middle row so the tree pane scrolls, then time whole-screen renders.
      for _ in 0..<(explorer.rows.count / 2) { _ = explorer.handle(.down) }
      let render = Timing.median(repeats) { _ = explorer.render(size: screen) }
      let flatten = Timing.median(repeats) { _ = explorer.rows }
      print(
        "render \(screen.width)x\(screen.height), tree of \(count) nodes of \(segmentTokens) "
          + "tokens each: \(render) "
          + "(flattening the tree: \(flatten)), median of \(repeats)")

      // A long trace: many rollouts of a 16-prompt batch.
      var trace = SyntheticTrace(prompts: 16, width: 16, rollouts: 1).events()
      let perRollout = trace.count
      let rollouts = (events + perRollout - 1) / perRollout
      trace = SyntheticTrace(prompts: 16, width: 16, rollouts: rollouts).events()
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("treepo-bench-\(getpid()).jsonl")
      defer { try? FileManager.default.removeItem(at: url) }
      let header = SyntheticTrace().header
      let write = try Timing.median(3) {
        let writer = try TraceWriter(url: url, header: header)
        try writer.write(trace)
        writer.close()
      }
      let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
      var loaded: [TreeEvent] = []
      let load = try Timing.median(3) { loaded = try Trace.load(url).events }
      guard loaded == trace else { throw ValidationError("trace round trip changed the events") }
      let open = Timing.median(3) { _ = Explorer(mode: .replay(events: loaded, header: header)) }
      var replay = Explorer(mode: .replay(events: loaded, header: header))
      replay.resize(screen)
      var flip = false
      let scrub = Timing.median(repeats) {
        flip.toggle()
        _ = replay.handle(flip ? .home : .end)
      }
      // Jumps to random positions: at most one snapshot interval of events is re-reduced.
      var timeline = replay.timeline!
      var rng = SeededRandom(seed: 3)
      let jump = Timing.median(repeats) {
        timeline.seek(to: Int(rng.next() % UInt64(loaded.count + 1)))
      }
      print("trace of \(grouped(trace.count)) events (\(bytes / 1_000_000) MB), median of 3:")
      print("  write \(write)")
      print("  load (read + parse) \(load)")
      print("  replay open (reduce + snapshots every \(Timeline.snapshotInterval)) \(open)")
      print("  scrub Home↔End \(scrub); jump to a random position \(jump)")
    }
  }
}

private func parseSize(_ s: String) -> Size? {
  let parts = s.lowercased().split(separator: "x").compactMap { Int($0) }
  guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
  return Size(width: parts[0], height: parts[1])
}

/// Wall and CPU time of a body, medians over repeats. On a shared machine wall time also counts
/// other people's work; CPU time is this process's own (the measured code is single-threaded).
private struct Timing: CustomStringConvertible {
  var wall: Double
  var cpu: Double

  static func median(_ repeats: Int, _ body: () throws -> Void) rethrows -> Timing {
    var walls: [Double] = []
    var cpus: [Double] = []
    for _ in 0..<repeats {
      let (w0, c0) = (DispatchTime.now().uptimeNanoseconds, processCPUSeconds())
      try body()
      cpus.append(processCPUSeconds() - c0)
      walls.append(Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e9)
    }
    return Timing(wall: treepo.median(walls), cpu: treepo.median(cpus))
  }

  var description: String { "\(ms(wall)) ms wall, \(ms(cpu)) ms CPU" }
}

private func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }

private func grouped(_ n: Int) -> String {
  n.formatted(.number.grouping(.automatic))
}
