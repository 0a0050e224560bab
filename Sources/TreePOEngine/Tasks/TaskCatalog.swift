// The bundled tasks by name, for command-line flags, configs and traces.

public enum TaskCatalog {
  public static let names = ["countdown", "chain", "arith"]

  /// The task called `name`; an unknown name is one sentence listing the known ones.
  public static func task(named name: String) throws(TaskInputError) -> any ReasoningTask {
    switch name {
    case "countdown": CountdownTask()
    case "chain": ChainArithmeticTask()
    case "arith": ArithTask()
    default: throw .unknownTask(name)
    }
  }
}

extension ReasoningTask {
  /// The problem at `index` when sizes are mixed: the size is drawn from `sizes` by a stable hash
  /// of (split, index), so the mixture is uniform and the same on every run.
  public func problem(split: Split, index: Int, sizes: ClosedRange<Int>) -> Problem {
    let h = SplitHash.hash("\(name)|mix|\(split.rawValue)|\(index)")
    let size = sizes.lowerBound + Int(h % UInt64(sizes.count))
    return problem(split: split, index: index, size: size)
  }
}
