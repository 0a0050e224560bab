import Foundation

/// Runs the treepo binary headlessly to completion (stdout and stderr together), with extra
/// environment variables and a working directory.
enum Command {
  struct Result {
    var status: Int32
    var output: String
    /// The output's lines without blank ones.
    var lines: [Substring] { output.split(separator: "\n") }
  }

  static func treepo(
    _ arguments: [String], environment: [String: String] = [:], in directory: String = "/tmp"
  ) throws -> Result {
    let binary = try TreepoBinary.path()
    let variables = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    let script = "cd \"$1\" && shift && exec \"$@\""
    let (status, output) = try Spawn.run(
      ["sh", "-c", script, "sh", directory, "env"] + variables + [binary] + arguments)
    return Result(status: status, output: output)
  }

  /// A fresh scratch folder, removed by the caller.
  static func scratch(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("treepo-\(name)-\(getpid())-\(UUID().uuidString.prefix(6))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
