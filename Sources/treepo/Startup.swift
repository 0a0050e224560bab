// The process-wide settings the binary fixes before anything else runs. Library code never changes
// the environment or signal handlers; this start-up may, once, before any thread exists.

import Foundation
import TreePOEngine

enum Startup {
  /// Re-executes the binary once when a variable only read at load time must change:
  /// - OPENBLAS_CORETYPE, when OpenBLAS fell back to its generic kernels (see BLASCoreType);
  /// - SWIFT_BACKTRACE, so a crash prints its backtrace and exits instead of waiting 30 s on the
  ///   runtime's "Press space to interact" prompt (the shell would hang behind a crashed TUI).
  /// An explicit value is respected; a failed exec leaves the process running as it is.
  static func reexecIfNeeded() {
    var changes: [(String, String)] = []
    if let core = BLASCoreType.recommendedOverride { changes.append(("OPENBLAS_CORETYPE", core)) }
    if let backtrace = backtraceSetting(ProcessInfo.processInfo.environment["SWIFT_BACKTRACE"]) {
      changes.append(("SWIFT_BACKTRACE", backtrace))
    }
    guard !changes.isEmpty else { return }
    for (name, value) in changes { setenv(name, value, 1) }
    execv("/proc/self/exe", CommandLine.unsafeArgv)
  }

  /// The SWIFT_BACKTRACE to run with, or nil when `current` already says whether to interact.
  static func backtraceSetting(_ current: String?) -> String? {
    let current = current ?? ""
    if current.split(separator: ",").contains(where: { $0.hasPrefix("interactive=") }) {
      return nil
    }
    return current.isEmpty ? "interactive=no" : current + ",interactive=no"
  }
}
