// File-system failures told as one sentence naming the path and the reason, instead of
// Foundation's "The operation could not be completed. (NSCocoaErrorDomain Code=513 …)".

import Foundation

/// An error of a command at run time: printed as "Error: <sentence>", without the usage.
struct CommandError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

enum FileErrors {
  /// Runs `body`; a Foundation file error becomes a `CommandError` about `path`.
  static func explained<T>(path: String, doing operation: String, _ body: () throws -> T) throws
    -> T
  {
    do { return try body() } catch let error as NSError where isFileError(error) {
      throw CommandError(sentence(error, path: path, doing: operation))
    }
  }

  /// "PATH: could not OPERATION (reason)." The path Foundation names wins (it may be a parent).
  static func sentence(_ error: Error, path: String?, doing operation: String?) -> String {
    let ns = error as NSError
    let failing = (ns.userInfo[NSFilePathErrorKey] as? String) ?? path ?? "a file"
    let what = operation ?? defaultOperation(ns)
    return "\(failing): could not \(what) (\(reason(ns)))."
  }

  /// Foundation's file errors (Cocoa and POSIX domains); others pass through unchanged.
  static func isFileError(_ error: NSError) -> Bool {
    error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain
  }

  /// Any error as the CLI prints it: file errors become a sentence, others are kept.
  static func translate(_ error: Error) -> Error {
    // Swift errors bridge to NSError under their type's name: only Foundation's domains match.
    let ns = error as NSError
    guard isFileError(ns) else { return error }
    return CommandError(sentence(ns, path: nil, doing: nil))
  }

  private static func reason(_ error: NSError) -> String {
    if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain
    {
      return String(cString: strerror(Int32(underlying.code)))
    }
    if error.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(error.code))) }
    switch CocoaError.Code(rawValue: error.code) {
    case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or folder"
    case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
    case .fileWriteOutOfSpace: return "the disk is full"
    case .fileWriteVolumeReadOnly: return "the file system is read-only"
    case .fileWriteFileExists: return "something is already there"
    case .fileReadCorruptFile: return "the file is damaged"
    case .fileReadInapplicableStringEncoding: return "it is not UTF-8 text"
    default: return "error \(error.code)"
    }
  }

  private static func defaultOperation(_ error: NSError) -> String {
    switch error.code {
    case 256...511: "read it"
    case 512...1023: "write it"
    default: "use it"
    }
  }
}
