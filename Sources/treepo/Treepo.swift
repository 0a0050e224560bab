import ArgumentParser
import Foundation
import TreePOEngine

@main
struct Treepo: ParsableCommand {
  static let version = "0.1.0"

  static let configuration = CommandConfiguration(
    commandName: "treepo",
    abstract: "Watch, train and replay TreePO reasoning trees on a tiny CPU language model.",
    version: "treepo \(version)",
    subcommands: [
      Explore.self, Sample.self, Replay.self, Bench.self, Pretrain.self, Eval.self, Train.self,
      Models.self, Import.self,
    ],
    defaultSubcommand: Explore.self)

  /// Start-up fixes the process-wide settings (see `Startup`), then the arguments are checked for
  /// what the parser would answer with the wrong message.
  static func main() {
    Startup.reexecIfNeeded()
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let sentence = CommandLineCheck.unknownCommand(arguments, root: Treepo.self) {
      FileHandle.standardError.write(Data("Error: \(sentence)\n".utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    do {
      var command = try parseAsRoot(CommandLineCheck.attachNegativeNumbers(arguments))
      try command.run()
    } catch {
      exit(withError: FileErrors.translate(error))
    }
  }
}
