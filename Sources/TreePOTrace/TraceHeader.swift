// The first line of every trace file: what produced the events that follow.

public struct TraceHeader: Codable, Sendable, Equatable {
  public static let formatName = "treepo-trace"
  public static let currentVersion = 1

  /// Always "treepo-trace"; a first line without it means the file is not a trace.
  public var format: String
  public var version: Int
  /// Model folder name or description, e.g. "countdown-0.8m".
  public var model: String
  /// Task name, e.g. "countdown".
  public var task: String
  /// verl/TreePO-named settings, e.g. "rollout.n": "16".
  public var config: [String: String]
  public var seed: UInt64

  public init(
    model: String, task: String, config: [String: String] = [:], seed: UInt64 = 0,
    version: Int = TraceHeader.currentVersion
  ) {
    self.format = Self.formatName
    self.version = version
    self.model = model
    self.task = task
    self.config = config
    self.seed = seed
  }
}

/// A bad trace file, a bad line, or a failed write: `message` is one sentence naming the file
/// (and line), fit to print as is.
public struct TraceError: Error, Sendable, Equatable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
