import ArgumentParser
import TreePOEngine

@main
struct Treepo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "treepo",
    abstract: "Watch, train and replay TreePO reasoning trees on a tiny CPU language model.",
    subcommands: [
      Explore.self, Sample.self, Replay.self, Bench.self, Pretrain.self, Eval.self, Train.self,
    ],
    defaultSubcommand: Explore.self)
}
