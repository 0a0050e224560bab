import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The real `treepo` binary running in a private tmux server (its own socket, no user config),
/// driven like a user would: keys in, screen text out.
///
/// The pane runs a small shell wrapper that records the terminal modes (`stty -g`) before and
/// after treepo, and treepo's exit status, then stays alive — so a test can check that the
/// terminal was restored while tmux still reports the pane's flags.
final class TmuxSession {
  let socket: String
  /// Scratch directory for this session: the wrapper's files, and treepo's working directory.
  let directory: URL
  private(set) var closed = false

  struct Timeout: Error, CustomStringConvertible {
    var description: String
  }

  /// Starts `treepo ARGUMENTS` in a `width`×`height` pane.
  init(
    _ arguments: [String], width: Int = 100, height: Int = 30, environment: [String: String] = [:]
  ) throws {
    socket = "treepo-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"
    directory = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let binary = try TreepoBinary.path()
    // The tmux server inherits the test runner's environment, which may carry NO_COLOR, and sets
    // TERM itself: the wrapper passes the variables to treepo with `env`, so they always win.
    // Tests start from colour on (an empty NO_COLOR counts as unset) and opt out explicitly.
    let base = ["LANG": "C.UTF-8", "SWIFT_BACKTRACE": "interactive=no", "NO_COLOR": ""]
    let variables = base.merging(environment) { $1 }.sorted { $0.key < $1.key }
      .map { "\($0.key)=\($0.value)" }
    let quoted = (["env"] + variables + [binary] + arguments).map(Self.shellQuote)
      .joined(separator: " ")
    let d = Self.shellQuote(directory.path)
    let wrapper =
      "cd \(d) && stty -g > before.stty; \(quoted); echo $? > status; stty -g > after.stty; "
      + "echo treepo-exited; exec sleep 600"
    var command = ["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", "e2e"]
    command += ["-x", "\(width)", "-y", "\(height)", "-e", "LANG=C.UTF-8", wrapper]
    try tmux(command)
  }

  deinit { close() }

  /// Kills the tmux server (and treepo with it) and removes the scratch directory.
  func close() {
    guard !closed else { return }
    closed = true
    _ = try? Spawn.run(["tmux", "-L", socket, "kill-server"])
    try? FileManager.default.removeItem(at: directory)
  }

  /// `tmux send-keys`: key names ("Space", "Enter", "C-c", "Up") or literal text.
  func send(_ keys: String...) throws {
    try tmux(["tmux", "-L", socket, "send-keys", "-t", "e2e"] + keys)
  }

  /// The pane's text, one string per row (trailing spaces trimmed by tmux).
  func screen() throws -> String {
    try tmux(["tmux", "-L", socket, "capture-pane", "-p", "-t", "e2e"])
  }

  /// The pane's text including everything scrolled off the top.
  func screenWithHistory() throws -> String {
    try tmux(["tmux", "-L", socket, "capture-pane", "-p", "-S", "-", "-t", "e2e"])
  }

  /// The pane's text with SGR escape sequences (colours, bold).
  func screenWithStyles() throws -> String {
    try tmux(["tmux", "-L", socket, "capture-pane", "-p", "-e", "-t", "e2e"])
  }

  func resize(width: Int, height: Int) throws {
    try tmux([
      "tmux", "-L", socket, "resize-window", "-t", "e2e", "-x", "\(width)", "-y", "\(height)",
    ])
  }

  /// A tmux format for the pane, e.g. "#{alternate_on}".
  func paneFormat(_ format: String) throws -> String {
    try tmux(["tmux", "-L", socket, "display-message", "-p", "-t", "e2e", format])
      .trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Polls the screen until `predicate` holds; on timeout, throws with the last screen shown.
  @discardableResult
  func waitForScreen(
    timeout: Double = 15, _ what: String, _ predicate: (String) -> Bool
  ) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = try screen()
      if predicate(last) { return last }
      usleep(50_000)
    }
    throw Timeout(description: "timed out after \(timeout) s waiting for \(what); screen:\n\(last)")
  }

  @discardableResult
  func waitForText(_ text: String, timeout: Double = 15) throws -> String {
    try waitForScreen(timeout: timeout, "\"\(text)\"") { $0.contains(text) }
  }

  /// Waits for treepo to exit; returns its exit status (128 + n for signal n).
  func waitForExit(timeout: Double = 15) throws -> Int32 {
    let statusFile = directory.appendingPathComponent("status")
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      if let text = try? String(contentsOf: statusFile, encoding: .utf8),
        let status = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
      {
        // The wrapper writes after.stty next: wait for the marker line that follows it.
        _ = try waitForText("treepo-exited", timeout: 5)
        return status
      }
      usleep(50_000)
    }
    throw Timeout(
      description: "treepo did not exit within \(timeout) s; screen:\n\((try? screen()) ?? "")")
  }

  /// After exit: the terminal modes are what they were before treepo started, and the pane has
  /// left the alternate screen with the cursor visible and mouse reporting off.
  func terminalRestoreProblems() throws -> [String] {
    var problems: [String] = []
    let before = try String(
      contentsOf: directory.appendingPathComponent("before.stty"), encoding: .utf8)
    let after = try String(
      contentsOf: directory.appendingPathComponent("after.stty"), encoding: .utf8)
    if before != after { problems.append("stty modes differ: \(before) vs \(after)") }
    let flags = try paneFormat("#{alternate_on} #{cursor_flag} #{mouse_any_flag}")
    if flags != "0 1 0" {
      problems.append("pane flags alternate_on cursor_flag mouse_any_flag = \(flags), want 0 1 0")
    }
    return problems
  }

  /// The pid of treepo itself (the wrapper shell's child).
  func treepoPID() throws -> pid_t {
    let shell = try paneFormat("#{pane_pid}")
    let children = try String(
      contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
    guard let pid = children.split(separator: " ").first.flatMap({ pid_t($0) }) else {
      throw Timeout(description: "treepo is not running under pane shell \(shell)")
    }
    return pid
  }

  @discardableResult
  private func tmux(_ command: [String]) throws -> String {
    let (status, output) = try Spawn.run(command)
    guard status == 0 else {
      throw Spawn.Failure(
        description: "\(command.joined(separator: " ")) failed (\(status)): \(output)")
    }
    return output
  }

  private static func shellQuote(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
