// Problem sizes on the command line: `4` or `3-5`. One parser behind --sizes, --eval-sizes and
// --numbers; the range a task accepts is checked in validate(), before anything is built.

import ArgumentParser
import TreePOEngine

struct SizeRange: ExpressibleByArgument, CustomStringConvertible, Equatable {
  var range: ClosedRange<Int>

  init(_ range: ClosedRange<Int>) { self.range = range }

  init?(argument: String) {
    let parts = argument.split(separator: "-", omittingEmptySubsequences: false)
      .map { Int($0.trimmingCharacters(in: .whitespaces)) }
    if parts.count == 1, let n = parts[0] {
      range = n...n
    } else if parts.count == 2, let lo = parts[0], let hi = parts[1], lo <= hi {
      range = lo...hi
    } else {
      return nil
    }
  }

  var description: String {
    range.count == 1 ? "\(range.lowerBound)" : "\(range.lowerBound)-\(range.upperBound)"
  }

  var defaultValueDescription: String { description }

  /// Throws one sentence unless every size is one `task` can generate.
  func check(_ flag: String, for task: TaskChoice) throws {
    let sizes = task.sizes
    guard sizes.contains(range.lowerBound), sizes.contains(range.upperBound) else {
      throw ValidationError(
        "\(flag) \(self) is outside the \(task.name) sizes \(SizeRange(sizes)) "
          + (task.name == "arith" ? "(levels)." : "(numbers per problem)."))
    }
  }
}

/// `--task`: a name from the task catalogue, checked when parsed.
struct TaskChoice: ExpressibleByArgument, CustomStringConvertible {
  let name: String

  static let countdown = TaskChoice(known: "countdown")
  static let arith = TaskChoice(known: "arith")

  private init(known name: String) { self.name = name }

  init?(argument: String) {
    guard TaskCatalog.names.contains(argument) else { return nil }
    name = argument
  }

  static var allValueStrings: [String] { TaskCatalog.names }
  var description: String { name }
  var defaultValueDescription: String { name }

  func make() throws -> any ReasoningTask { try TaskCatalog.task(named: name) }

  /// The sizes drawn when no --sizes is given.
  var defaultSizes: ClosedRange<Int> { name == "arith" ? ArithTask.defaultLevels : 4...4 }

  /// The problem sizes the task generates.
  var sizes: ClosedRange<Int> {
    switch try? make() {
    case is ChainArithmeticTask: ChainArithmeticTask.sizes
    case is ArithTask: ArithTask.levels
    default: CountdownTask.sizes
    }
  }
}
