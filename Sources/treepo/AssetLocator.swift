// Finds the bundled model without arguments: an explicit `--model` wins, then `TREEPO_ASSETS`, then
// the checkout's `Assets/` (walking up from the working directory and from the executable until a
// folder holds both `Package.swift` and `Assets/`), then `Assets/` next to the executable or in
// `../share/treepo/`. A miss is one sentence listing where it looked.

import Foundation

enum AssetLocator {
  static let bundledModel = "models/countdown-tiny"

  struct NotFound: Error, CustomStringConvertible {
    let description: String
  }

  /// The model folder to load: `explicit` as given (it must exist), else the bundled model.
  static func modelFolder(explicit: String?) throws -> URL {
    if let explicit {
      let url = URL(fileURLWithPath: explicit)
      guard isDirectory(url) else {
        throw NotFound(description: "The model folder \(explicit) does not exist.")
      }
      return url
    }
    let candidates = assetRoots().map { $0.appendingPathComponent(bundledModel) }
    if let found = candidates.first(where: { isDirectory($0) }) { return found }
    let looked = candidates.map(\.path).joined(separator: ", ")
    throw NotFound(
      description: "The bundled model \(bundledModel) was not found (looked in \(looked)); "
        + "pass --model DIR or set TREEPO_ASSETS to the folder that holds models/.")
  }

  /// Candidate `Assets/` folders, most specific first, without duplicates.
  static func assetRoots() -> [URL] {
    var roots: [URL] = []
    if let env = ProcessInfo.processInfo.environment["TREEPO_ASSETS"], !env.isEmpty {
      roots.append(URL(fileURLWithPath: env))
    }
    let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    let exeDir = executableURL().deletingLastPathComponent()
    for start in [cwd, exeDir] {
      if let checkout = checkoutRoot(from: start) {
        roots.append(checkout.appendingPathComponent("Assets"))
      }
    }
    roots.append(exeDir.appendingPathComponent("Assets"))
    roots.append(exeDir.appendingPathComponent("../share/treepo/Assets").standardized)
    var seen = Set<String>()
    return roots.filter { seen.insert($0.standardized.path).inserted }
  }

  /// The nearest folder at or above `start` holding `Package.swift` and `Assets/`.
  static func checkoutRoot(from start: URL) -> URL? {
    var dir = start.standardized
    while true {
      let manifest = dir.appendingPathComponent("Package.swift").path
      if FileManager.default.fileExists(atPath: manifest),
        isDirectory(dir.appendingPathComponent("Assets"))
      {
        return dir
      }
      let parent = dir.deletingLastPathComponent()
      if parent.path == dir.path { return nil }
      dir = parent
    }
  }

  static func executableURL() -> URL {
    // /proc/self/exe resolves symlinks on Linux; argv[0] is the fallback elsewhere.
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      return URL(fileURLWithPath: path)
    }
    return URL(fileURLWithPath: CommandLine.arguments[0]).standardized
  }

  private static func isDirectory(_ url: URL) -> Bool {
    var isDir: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && isDir.boolValue
  }
}
