#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// Whole-file reads and atomic writes with POSIX calls, so every failure maps to one
// CheckpointError.
// An atomic write goes to `name.tmp-PID` in the same folder, is fsynced, then renamed over the
// target: a crash leaves either the old file or the new one, never half of one.

enum FileIO {
  enum Kind { case missing, file, directory }

  static func kind(_ path: String) -> Kind {
    var st = stat()
    guard stat(path, &st) == 0 else { return .missing }
    return (st.st_mode & S_IFMT) == S_IFDIR ? .directory : .file
  }

  static func errnoText() -> String { String(cString: strerror(errno)) }

  static func readAll(_ path: String) throws(CheckpointError) -> [UInt8] {
    let fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      if errno == ENOENT { throw .missingFile(path: path) }
      throw .io(path: path, operation: "open it", reason: errnoText())
    }
    defer { close(fd) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      throw .io(path: path, operation: "stat it", reason: errnoText())
    }
    let size = Int(st.st_size)
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    while done < size {
      let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else { throw .io(path: path, operation: "read it", reason: errnoText()) }
      done += n
    }
    return bytes
  }

  static func makeFolder(_ path: String) throws(CheckpointError) {
    switch kind(path) {
    case .directory: return
    case .file: throw .notAFolder(path: path)
    case .missing:
      guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
        throw .io(path: path, operation: "create the folder", reason: errnoText())
      }
    }
  }

  static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CheckpointError) {
    let temp = "\(path).tmp-\(getpid())"
    let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw .io(path: temp, operation: "create it", reason: errnoText()) }
    var failure: CheckpointError?
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        failure = .io(path: temp, operation: "write it", reason: errnoText())
        break
      }
      done += n
    }
    if failure == nil && fsync(fd) != 0 {
      failure = .io(path: temp, operation: "flush it to disk", reason: errnoText())
    }
    if close(fd) != 0 && failure == nil {
      failure = .io(path: temp, operation: "close it", reason: errnoText())
    }
    if failure == nil && rename(temp, path) != 0 {
      failure = .io(path: path, operation: "replace it", reason: errnoText())
    }
    if let failure {
      unlink(temp)
      throw failure
    }
    syncFolder(of: path)
  }

  /// Makes the rename itself durable; best effort (some file systems refuse to fsync folders).
  private static func syncFolder(of path: String) {
    let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let fd = open(folder.isEmpty ? "/" : folder, O_RDONLY)
    if fd >= 0 {
      _ = fsync(fd)
      close(fd)
    }
  }
}
