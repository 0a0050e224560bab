import ArgumentParser
import TreePOEngine

@main
struct Treepo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "treepo",
    abstract: "Watch, train and replay TreePO reasoning trees on a tiny CPU language model.",
    subcommands: [
      Explore.self, Sample.self, Replay.self, Bench.self, Pretrain.self, Eval.self, Train.self,
      Models.self,
    ],
    defaultSubcommand: Explore.self)

  /// Before anything else: OpenBLAS 0.3.21 runs its generic kernels (~8× slower sgemm) on CPUs
  /// newer than itself unless OPENBLAS_CORETYPE is set before it loads (see BLASCoreType).
  static func main() {
    BLASCoreType.reexecIfGeneric()
    main(nil)
  }
}
