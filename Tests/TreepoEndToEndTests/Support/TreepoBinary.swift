import Foundation

/// Where the binary under test is: `TREEPO_BINARY` if set, else `treepo` beside the test bundle
/// (`swift test -c release` → `.build/release/treepo`; `make test` builds it first).
enum TreepoBinary {
  static func path() throws -> String {
    if let path = ProcessInfo.processInfo.environment["TREEPO_BINARY"], !path.isEmpty {
      return path
    }
    let testExecutable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var directory = testExecutable.deletingLastPathComponent()
    // macOS bundles nest the executable in Contents/MacOS.
    if directory.path.hasSuffix("Contents/MacOS") {
      directory = directory.deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    }
    let candidate = directory.appendingPathComponent("treepo").path
    guard FileManager.default.isExecutableFile(atPath: candidate) else {
      throw Spawn.Failure(
        description: "no treepo binary at \(candidate): build it first "
          + "(swift build -c release --product treepo) or set TREEPO_BINARY")
    }
    return candidate
  }

  /// The package root (for committed assets such as Assets/traces/demo.jsonl).
  static func packageRoot(file: String = #filePath) -> URL {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
  }
}
