import CNcursesw

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Leaving the terminal usable whatever happens. Three paths:
// - q / Ctrl-C (raw mode delivers it as a key) and SIGINT/SIGTERM/SIGHUP/SIGQUIT (which Swift's
//   backtracer would otherwise answer with a report over the screen): the handler only writes
//   the signal number into the wake pipe; the main loop then quits through `endwin` as for `q`.
//   A second such signal while the first is pending restores the terminal and exits at once.
// - a crash (SIGSEGV, SIGILL — Swift traps —, SIGBUS, SIGFPE, SIGTRAP, SIGABRT): the handler writes
//   the terminal's own reset strings (captured from terminfo at start) and the saved termios, then
//   hands the signal to whoever handled it before (Swift's backtracer) or the default action.
// - `exit()` from anywhere: an atexit hook calls `endwin` if the screen is still open.
// Signal handlers cannot capture context, so their state lives in these globals. They are written
// on the main thread before the handlers are installed and only read afterwards.

nonisolated(unsafe) private var guardWakeFD: Int32 = -1
nonisolated(unsafe) private var guardSavedTermios = termios()
nonisolated(unsafe) private var guardHaveTermios = false
/// The reset bytes (rmcup, cnorm, sgr0, rmkx, mouse off), NUL-free, allocated once.
nonisolated(unsafe) private var guardResetBytes: UnsafeMutablePointer<UInt8>?
nonisolated(unsafe) private var guardResetCount = 0
nonisolated(unsafe) private var guardQuitSignalsSeen: Int32 = 0
nonisolated(unsafe) private var guardScreenOpen = false
/// The handlers that were installed before ours, indexed by signal number (a plain buffer: no
/// retain/release or hashing inside a signal handler).
nonisolated(unsafe) private let guardPreviousActions: UnsafeMutablePointer<sigaction> = {
  let buffer = UnsafeMutablePointer<sigaction>.allocate(capacity: Int(signalSlots))
  buffer.initialize(repeating: sigaction(), count: Int(signalSlots))
  return buffer
}()
private let signalSlots: Int32 = 65

private let quitSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]
private let crashSignals: [Int32] = [SIGSEGV, SIGILL, SIGBUS, SIGFPE, SIGTRAP, SIGABRT]

enum SignalGuard {
  /// Before `newterm`: remember the terminal's modes and route quit signals to the wake pipe.
  /// Installing our handlers first also stops ncurses from installing its own for these signals.
  static func install(wakeFD: Int32) {
    guardWakeFD = wakeFD
    guardHaveTermios = tcgetattr(STDIN_FILENO, &guardSavedTermios) == 0
    for signal in quitSignals { setHandler(signal, quitHandler) }
    for signal in crashSignals {
      guardPreviousActions[Int(signal)] = setCrashHandler(signal)
    }
    atexit { SignalGuard.closeScreenIfOpen() }
  }

  /// After `newterm`: capture the exact reset strings for this terminal type, and chain a wake-up
  /// onto ncurses' SIGWINCH handler so a resize during drawing is not missed until the next key.
  static func screenOpened() {
    var bytes: [UInt8] = []
    for capability in ["rmcup", "cnorm", "sgr0", "rmkx"] {
      if let s = capabilityString(capability) { bytes += s }
    }
    // Mouse reporting off (xterm protocols ncurses may have enabled); harmless elsewhere.
    bytes += Array("\u{1B}[?1006l\u{1B}[?1002l\u{1B}[?1000l".utf8)
    guardResetBytes?.deallocate()
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
    buffer.initialize(from: bytes, count: bytes.count)
    guardResetBytes = buffer
    guardResetCount = bytes.count
    guardPreviousActions[Int(SIGWINCH)] = setHandler(SIGWINCH, winchHandler)
    guardScreenOpen = true
  }

  /// Main thread, on the normal way out.
  static func closeScreenIfOpen() {
    guard guardScreenOpen else { return }
    guardScreenOpen = false
    endwin()
  }

  static var isScreenOpen: Bool { guardScreenOpen }

  /// Async-signal-safe: write(2) and tcsetattr(3) only.
  fileprivate static func emergencyRestore() {
    guard guardScreenOpen else { return }
    guardScreenOpen = false
    if let bytes = guardResetBytes { _ = write(STDOUT_FILENO, bytes, guardResetCount) }
    if guardHaveTermios { _ = tcsetattr(STDIN_FILENO, TCSANOW, &guardSavedTermios) }
  }

  private static func capabilityString(_ name: String) -> [UInt8]? {
    guard let pointer = tigetstr(name) else { return nil }
    // terminfo returns (char *)-1 for "not a string capability".
    if Int(bitPattern: pointer) == -1 { return nil }
    return Array(String(cString: pointer).utf8)
  }

  /// SA_SIGINFO so the previous handler gets the crash context; SA_ONSTACK so a stack overflow
  /// runs on the alternate stack Swift's runtime set up.
  private static func setCrashHandler(_ signal: Int32) -> sigaction {
    var action = sigaction()
    #if canImport(Glibc)
      action.__sigaction_handler.sa_sigaction = crashHandler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = Int32(SA_SIGINFO | SA_ONSTACK)
    var previous = sigaction()
    sigaction(signal, &action, &previous)
    return previous
  }

  @discardableResult
  private static func setHandler(
    _ signal: Int32, _ handler: @convention(c) (Int32) -> Void
  ) -> sigaction {
    var action = sigaction()
    #if canImport(Glibc)
      action.__sigaction_handler.sa_handler = handler
    #else
      action.__sigaction_u.__sa_handler = handler
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    var previous = sigaction()
    sigaction(signal, &action, &previous)
    return previous
  }
}

private func quitHandler(_ signal: Int32) {
  guardQuitSignalsSeen += 1
  if guardQuitSignalsSeen > 1 {
    // The main loop did not get to it: restore and leave now.
    SignalGuard.emergencyRestore()
    _exit(128 + signal)
  }
  var byte = UInt8(truncatingIfNeeded: signal)
  _ = write(guardWakeFD, &byte, 1)
}

private func crashHandler(
  _ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?
) {
  SignalGuard.emergencyRestore()
  // Call the previous handler (Swift's backtracer prints the crash report) directly, then die by
  // the default action: re-raising alone would let a handler that just returns resume the process.
  let previous = guardPreviousActions[Int(signal)]
  #if canImport(Glibc)
    if previous.sa_flags & Int32(SA_SIGINFO) != 0 {
      previous.__sigaction_handler.sa_sigaction?(signal, info, context)
    } else if let handler = previous.__sigaction_handler.sa_handler,
      unsafeBitCast(handler, to: Int.self) != 1
    {
      handler(signal)
    }
  #endif
  Glibc.signal(signal, SIG_DFL)
  raise(signal)  // blocked until this handler returns, then fatal
}

private func winchHandler(_ signal: Int32) {
  // ncurses' own handler records the new size and queues KEY_RESIZE; then wake the main loop.
  let previous = guardPreviousActions[Int(signal)]
  #if canImport(Glibc)
    let handler = previous.__sigaction_handler.sa_handler
  #else
    let handler = previous.__sigaction_u.__sa_handler
  #endif
  if let handler, unsafeBitCast(handler, to: Int.self) != 1 { handler(signal) }  // 1 = SIG_IGN
  var byte: UInt8 = 0
  _ = write(guardWakeFD, &byte, 1)
}
