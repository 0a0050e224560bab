#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A self-pipe: the main thread sleeps in `poll()` on stdin and this pipe, and anything else —
/// the engine thread with new events, a signal handler — writes one byte to wake it. Idle costs
/// nothing: no timers, no busy loop.
final class WakePipe: Sendable {
  let readFD: Int32
  let writeFD: Int32

  /// What woke the main thread.
  struct Wakeup {
    var input = false
    /// Signals forwarded by `SignalGuard` (their numbers), in arrival order.
    var signals: [Int32] = []
  }

  init() throws(TerminalError) {
    var fds: [Int32] = [-1, -1]
    guard pipe(&fds) == 0 else {
      throw .system("cannot create the wake-up pipe: \(String(cString: strerror(errno)))")
    }
    for fd in fds {
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
      _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
    }
    readFD = fds[0]
    writeFD = fds[1]
  }

  deinit {
    close(readFD)
    close(writeFD)
  }

  /// Any thread: wake the main thread. Never blocks (a full pipe means it is already awake).
  func wake() {
    var byte: UInt8 = 0
    _ = write(writeFD, &byte, 1)
  }

  /// Main thread: sleep until stdin is readable or someone called `wake()`.
  /// `timeoutMs` < 0 waits forever.
  func wait(input: Int32 = STDIN_FILENO, timeoutMs: Int32 = -1) -> Wakeup {
    var fds = [
      pollfd(fd: input, events: Int16(POLLIN), revents: 0),
      pollfd(fd: readFD, events: Int16(POLLIN), revents: 0),
    ]
    // EINTR (e.g. SIGWINCH) just returns: the caller drains input and sees KEY_RESIZE.
    _ = poll(&fds, 2, timeoutMs)
    var wakeup = Wakeup()
    wakeup.input = fds[0].revents != 0
    if fds[1].revents != 0 { wakeup.signals = drain() }
    return wakeup
  }

  /// Empties the pipe; returns the non-zero bytes (signal numbers).
  private func drain() -> [Int32] {
    var signals: [Int32] = []
    var buffer = [UInt8](repeating: 0, count: 64)
    while true {
      let n = read(readFD, &buffer, buffer.count)
      if n <= 0 { break }
      for byte in buffer[0..<n] where byte != 0 { signals.append(Int32(byte)) }
    }
    return signals
  }
}

enum TerminalError: Error, CustomStringConvertible {
  case notATerminal(String)
  case system(String)
  var description: String {
    switch self {
    case .notATerminal(let s), .system(let s): s
    }
  }
}
