import ArgumentParser

extension Treepo {
  /// `treepo bench …`: speed measurements whose numbers go into docs/benchmarks.md.
  struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Measure engine, rollout and explorer speed (release build; medians of repeats).",
      subcommands: [
        Train.self, Decode.self, BenchRollout.self, Render.self, RenderPaths.self, Load.self,
        Tokenize.self, Memory.self, Tree.self, PPO.self,
      ])
  }
}
