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

    @Option(help: "Repeats; the median is reported.")
    var repeats = 50

    @Option(help: "Terminal size for rendering, WIDTHxHEIGHT.")
    var size = "120x40"

    func validate() throws {
      guard nodes > 0, events > 0, repeats > 0 else {
        throw ValidationError("--nodes, --events and --repeats must be positive.")
      }
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
          prompts: 1, width: 4 * divergence, maxDepth: 10, initialDivergence: divergence
        ).events()
        count = tree.reduce(0) { n, e in if case .nodeSpawned = e { n + 1 } else { n } }
        divergence += divergence / 2
      } while count < nodes
      var explorer = Explorer(mode: .live)
      for e in tree { explorer.apply(e) }
      explorer.resize(screen)
      // Select the middle row so the tree pane scrolls, then time whole-screen renders.
      for _ in 0..<(explorer.rows.count / 2) { _ = explorer.handle(.down) }
      let renderTimes = (0..<repeats).map { _ in
        time { _ = explorer.render(size: screen) }
      }
      let rowsTime = renderMedian((0..<repeats).map { _ in time { _ = explorer.rows } })
      print(
        "render \(screen.width)x\(screen.height), tree of \(count) nodes: median "
          + "\(ms(renderMedian(renderTimes))) ms (min \(ms(renderTimes.min()!)) ms; of which "
          + "flattening the tree \(ms(rowsTime)) ms), \(repeats) repeats")

      // A long trace: many rollouts of a 16-prompt batch.
      var trace = SyntheticTrace(prompts: 16, width: 16, rollouts: 1).events()
      let perRollout = trace.count
      let rollouts = (events + perRollout - 1) / perRollout
      trace = SyntheticTrace(prompts: 16, width: 16, rollouts: rollouts).events()
      let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("treepo-bench-\(getpid()).jsonl")
      defer { try? FileManager.default.removeItem(at: url) }
      let header = SyntheticTrace().header
      let writeTime = try time {
        let writer = try TraceWriter(url: url, header: header)
        try writer.write(trace)
        writer.close()
      }
      let bytes = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
      var loaded: [TreeEvent] = []
      let cpuStart = cpuSeconds()
      let loadTimes = try (0..<3).map { _ in try time { loaded = try Trace.load(url).events } }
      let loadCPU = (cpuSeconds() - cpuStart) / 3
      guard loaded == trace else { throw ValidationError("trace round trip changed the events") }
      let openTime = time { _ = Explorer(mode: .replay(events: loaded, header: header)) }
      var replay = Explorer(mode: .replay(events: loaded, header: header))
      replay.resize(screen)
      let scrubTimes = (0..<repeats).map { i in
        time { _ = replay.handle(i % 2 == 0 ? .home : .end) }
      }
      print(
        "trace of \(grouped(trace.count)) events (\(bytes / 1_000_000) MB): write "
          + "\(ms(writeTime)) ms, load median \(ms(renderMedian(loadTimes))) ms "
          + "(CPU \(ms(loadCPU)) ms), replay open (reduce + snapshots) \(ms(openTime)) ms, "
          + "scrub Home↔End median "
          + "\(ms(renderMedian(scrubTimes))) ms")
    }
  }
}

private func parseSize(_ s: String) -> Size? {
  let parts = s.lowercased().split(separator: "x").compactMap { Int($0) }
  guard parts.count == 2, parts[0] > 0, parts[1] > 0 else { return nil }
  return Size(width: parts[0], height: parts[1])
}

private func time(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// This process's CPU time: on a shared machine, wall time also counts other people's work.
private func cpuSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

private func renderMedian(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}

private func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1000) }

private func grouped(_ n: Int) -> String {
  n.formatted(.number.grouping(.automatic))
}
