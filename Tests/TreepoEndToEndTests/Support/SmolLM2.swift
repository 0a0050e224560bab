import Foundation

/// SmolLM2-135M-Instruct for the end-to-end tests: in the model cache after `treepo models get
/// smollm2-135m` (make test runs it). Its cases run when it is installed, and also when
/// TREEPO_REQUIRE_REAL_MODEL=1, where a missing model then fails them instead of skipping.
enum SmolLM2 {
  static let installed: Bool = {
    let environment = ProcessInfo.processInfo.environment
    let cache =
      environment["XDG_CACHE_HOME"].map { $0 + "/treepo/models" }
      ?? environment["HOME"].map { $0 + "/.cache/treepo/models" } ?? "/nonexistent"
    return FileManager.default.fileExists(atPath: cache + "/SmolLM2-135M-Instruct.Q4_1.gguf")
  }()

  static let runs: Bool = {
    let required = ProcessInfo.processInfo.environment["TREEPO_REQUIRE_REAL_MODEL"] == "1"
    if !installed && !required {
      print("SmolLM2 cases skipped: run `treepo models get smollm2-135m`")
    }
    return installed || required
  }()
}
