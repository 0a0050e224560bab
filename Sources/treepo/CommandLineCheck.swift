// Checks on the raw arguments that swift-argument-parser answers badly on its own: a misspelt
// subcommand falls through to the default `explore` ("Unexpected argument … Usage: treepo
// explore"), `treepo help foo` prints the root help, and `--n -3` reads "-3" as a flag and says
// "Missing value".

import ArgumentParser

enum CommandLineCheck {
  /// One sentence when the arguments name a subcommand that does not exist, else nil.
  static func unknownCommand(_ arguments: [String], root: any ParsableCommand.Type) -> String? {
    var words = arguments
    var viaHelp = false
    if words.first == "help" {
      words.removeFirst()
      viaHelp = true
    }
    var command = root
    var path = [root.configuration.commandName ?? "treepo"]
    for word in words {
      if word.hasPrefix("-") { break }
      let subcommands = command.configuration.subcommands
      if let next = subcommands.first(where: { name(of: $0) == word }) {
        command = next
        path.append(word)
        continue
      }
      // A command with no subcommands takes the word as its own argument (e.g. replay FILE).
      if subcommands.isEmpty { break }
      // The root's default (explore) takes no positional argument, so a bare word is a typo.
      let names = subcommands.map(name(of:))
      let known = names.joined(separator: ", ")
      var sentence = "'\(word)' is not a \(path.joined(separator: " ")) command"
      if let close = names.min(by: { distance($0, word) < distance($1, word) }),
        distance(close, word) <= (word.count <= 3 ? 1 : 2)
      {
        sentence += "; did you mean '\(close)'?"
      } else {
        sentence += "."
      }
      let helpHint = viaHelp ? "" : " (see \(path.joined(separator: " ")) --help)"
      return sentence + " Commands: \(known)\(helpHint)."
    }
    return nil
  }

  /// `--n -3` → `--n=-3`, so a negative number reaches the option (and its validate() sentence)
  /// instead of being read as an unknown flag. Stops at `--`.
  static func attachNegativeNumbers(_ arguments: [String]) -> [String] {
    var out: [String] = []
    for argument in arguments {
      if let last = out.last, last.hasPrefix("--"), last != "--", !last.contains("="),
        !out.contains("--"), isNegativeNumber(argument)
      {
        out[out.count - 1] = last + "=" + argument
      } else {
        out.append(argument)
      }
    }
    return out
  }

  static func isNegativeNumber(_ text: String) -> Bool {
    guard text.hasPrefix("-"), text.count > 1 else { return false }
    let rest = text.dropFirst()
    return Double(rest) != nil && (rest.first?.isNumber == true || rest.first == ".")
      || ["inf", "infinity", "nan"].contains(rest.lowercased())
  }

  private static func name(of command: any ParsableCommand.Type) -> String {
    command.configuration.commandName ?? command._commandName
  }

  /// Edit distance (insertions, deletions, substitutions).
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var row = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
      var previous = row[0]
      row[0] = i
      for j in stride(from: 1, through: b.count, by: 1) {
        let current = row[j]
        row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
        previous = current
      }
    }
    return a.isEmpty ? b.count : row[b.count]
  }
}
