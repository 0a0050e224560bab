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
      Models.self, Import.self, Generate.self, Inspect.self,
    ],
    defaultSubcommand: Explore.self)

  /// Start-up fixes the process-wide settings (see `Startup`); arguments the parser refuses get
  /// a better sentence when a word names no command (`treepo trian`, `treepo help foo`).
  static func main() {
    Startup.reexecIfNeeded()
    let arguments = CommandLineCheck.attachNegativeNumbers(Array(CommandLine.arguments.dropFirst()))
    func refuseUnknownCommand() {
      guard let sentence = CommandLineCheck.unknownCommand(arguments, root: Treepo.self) else {
        return
      }
      FileHandle.standardError.write(Data("Error: \(sentence)\n".utf8))
      Foundation.exit(ExitCode.validationFailure.rawValue)
    }
    // `help WORD` parses as the root's help whatever WORD is.
    if arguments.first == "help" { refuseUnknownCommand() }
    var command: any ParsableCommand
    do {
      command = try parseAsRoot(arguments)
    } catch {
      if !(error is CleanExit) { refuseUnknownCommand() }
      exit(withError: error)
    }
    do {
      try command.run()
    } catch {
      exit(withError: FileErrors.translate(error))
    }
  }
}
