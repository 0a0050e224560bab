import ArgumentParser
import Foundation
import TreePOExplorer
import TreePOTrace

extension Treepo.Bench {
  /// `treepo bench render-paths`: frame time of the explorer when its paths are long (real verl
  /// responses run to 4,000-16,000 tokens), with the root, a mid node and a deep leaf selected.
  struct RenderPaths: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "render-paths",
      abstract: "Time whole-screen renders of a tree whose paths are 1k to 64k tokens long.")

    @Option(help: "Tokens of the deepest path, comma-separated (each path has --depth segments).")
    var tokens = "1000,4000,16000,64000"

    @Option(help: "Segments on the deepest path (tree_max_depth).")
    var depth = 8

    @Option(help: "Terminal sizes, comma-separated WIDTHxHEIGHT.")
    var sizes = "120x40,240x70"

    @Option(help: "Frames rendered per case; the median and the worst are reported.")
    var frames = 30

    @Option(
      help: """
        Segment text: 'bpe' (token texts of words, newlines and CJK, about 4 characters a token, \
        as byte-level BPE models write) or 'characters' (one character per token).
        """)
    var text = "bpe"

    @Flag(help: "Also time paging up through the deepest path (u, one page a frame).")
    var scroll = false

    @Option(
      help: "Write the tree of the first --tokens length to this trace file instead (for replay).")
    var writeTrace: String?

    func validate() throws {
      try Check.atLeast("--depth", depth, 1)
      try Check.atLeast("--frames", frames, 1)
      guard !tokenCounts.isEmpty, tokenCounts.allSatisfy({ $0 >= depth }) else {
        throw ValidationError("--tokens must list counts of at least --depth, got \"\(tokens)\".")
      }
      guard !screens.isEmpty, screens.count == sizes.split(separator: ",").count else {
        throw ValidationError("--sizes must look like 120x40,240x70, got \"\(sizes)\".")
      }
      guard ["bpe", "characters"].contains(text) else {
        throw ValidationError("--text must be bpe or characters, got \"\(text)\".")
      }
    }

    var tokenCounts: [Int] { tokens.split(separator: ",").compactMap { Int($0) } }

    var screens: [Size] {
      sizes.split(separator: ",").compactMap { s in
        let p = s.lowercased().split(separator: "x").compactMap { Int($0) }
        return p.count == 2 && p[0] > 0 && p[1] > 0 ? Size(width: p[0], height: p[1]) : nil
      }
    }

    func run() throws {
      if let writeTrace {
        let writer = try TraceWriter(
          url: URL(fileURLWithPath: writeTrace), header: SyntheticTrace().header)
        try writer.write(longTree(pathTokens: tokenCounts[0]))
        writer.close()
        return
      }
      print("tokens\tsize\tselection\tfirst_ms\tmedian_ms\tworst_ms\tmedian_cpu_ms\tworst_cpu_ms")
      for count in tokenCounts {
        let events = longTree(pathTokens: count)
        for screen in screens {
          var explorer = Explorer(mode: .live)
          for e in events { explorer.apply(e) }
          explorer.resize(screen)
          guard let tree = explorer.promptTree, let root = tree.root else { continue }
          let leaf = tree.nodes.values.max { ($0.depth, -$0.id) < ($1.depth, -$1.id) }!.id
          let path = tree.path(to: leaf)
          let mid = path[path.count / 2]
          for (name, node) in [("root", root), ("mid", mid), ("leaf", leaf)] {
            select(node, in: &explorer)
            let t = time(frames) { _ = explorer.render(size: screen) }
            print("\(count)\t\(screen.width)x\(screen.height)\t\(name)\t" + t.columns)
          }
          if scroll {
            let t = time(frames) {
              _ = explorer.handle(.character("u"))
              _ = explorer.render(size: screen)
            }
            print("\(count)\t\(screen.width)x\(screen.height)\tleaf,u\t" + t.columns)
          }
        }
      }
    }

    /// One prompt whose deepest path has `depth` segments of `pathTokens / depth` tokens.
    private func longTree(pathTokens: Int) -> [TreeEvent] {
      var seed: UInt64 = 1
      while true {
        var events = SyntheticTrace(
          prompts: 1, width: 16, segmentLength: pathTokens / depth, maxDepth: depth,
          initialDivergence: 2, train: false, seed: seed
        ).events()
        let deepest = events.reduce(0) { d, e in
          if case .nodeSpawned(let s) = e { max(d, s.depth) } else { d }
        }
        if deepest < depth {
          seed += 1
          continue
        }
        if text == "bpe" {
          for i in events.indices {
            if case .segmentDecoded(var s) = events[i] {
              let pieces = s.tokenIds.indices.map { Self.vocabulary[(s.node &* 7919 &+ $0) % 13] }
              s.tokenTexts = pieces
              s.text = pieces.joined()
              events[i] = .segmentDecoded(s)
            }
          }
        }
        return events
      }
    }

    /// Words, digits, a newline and CJK, like a math answer from a byte-level BPE model.
    private static let vocabulary = [
      " the", " answer", " is", " 42", ".", "\n", " so", " step", " 漢字", ",", " we", " get", " x",
    ]

    private func select(_ node: Int, in explorer: inout Explorer) {
      _ = explorer.handle(.character("g"))
      let rows = explorer.rows.count
      var moves = 0
      while explorer.selectedNode != node && moves < rows {
        _ = explorer.handle(.down)
        moves += 1
      }
    }

    private struct FrameTimes {
      var first: Double, median: Double, worst: Double, cpu: Double, worstCPU: Double
      /// Wall times, then CPU times (this thread's own: on a shared machine a wall-time spike
      /// with no CPU-time spike is another program's turn on the core, not a slow frame).
      var columns: String {
        [first, median, worst, cpu, worstCPU].map { String(format: "%.3f", $0 * 1000) }
          .joined(separator: "\t")
      }
    }

    private func time(_ n: Int, _ body: () -> Void) -> FrameTimes {
      var walls: [Double] = []
      var cpus: [Double] = []
      for _ in 0..<n {
        let (w0, c0) = (DispatchTime.now().uptimeNanoseconds, threadCPUSeconds())
        body()
        cpus.append(threadCPUSeconds() - c0)
        walls.append(Double(DispatchTime.now().uptimeNanoseconds - w0) / 1e9)
      }
      return FrameTimes(
        first: walls[0], median: treepo.median(walls), worst: walls.max()!,
        cpu: treepo.median(cpus), worstCPU: cpus.max()!)
    }
  }
}

/// CPU time of the calling thread (the render runs on it alone; the process's clock also counts
/// threads that OpenBLAS keeps spinning).
private func threadCPUSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}
