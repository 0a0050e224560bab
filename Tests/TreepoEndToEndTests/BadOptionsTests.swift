import Foundation
import Testing

// Every bad option is refused at parse time, before a model is loaded: one sentence naming the
// flag and its value, a non-zero exit, no trap and no stack trace (issue 12, items 1, 7, 21 and
// the conventions).

private func expectRefused(_ arguments: [String], saying sentence: String) throws {
  let r = try Command.treepo(arguments)
  #expect(r.status != 0, "\(arguments) was accepted: \(r.output)")
  #expect(r.status < 128, "\(arguments) died by a signal: \(r.output)")
  #expect(r.lines.first.map(String.init) == "Error: " + sentence, "\(arguments): \(r.output)")
  #expect(!r.output.contains("Fatal error") && !r.output.contains("Program crashed"))
}

@Suite struct BadOptionsTests {
  /// Item 1: sizes outside what the task generates, for every command and every size option.
  @Test(arguments: [
    (["sample", "--sizes", "1", "--prompts", "1", "--n", "2"], "--sizes 1"),
    (["eval", "--numbers", "7", "--problems", "1", "--samples", "0"], "--numbers 7"),
    (["bench", "rollout", "--sizes", "7"], "--sizes 7"),
    (["train", "--eval-sizes", "9", "--steps", "1"], "--eval-sizes 9"),
    (["--sizes", "7"], "--sizes 7"),
    (["explore", "--sizes", "2-9"], "--sizes 2-9"),
    (["pretrain", "--numbers", "1-3"], "--numbers 1-3"),
  ])
  func sizesOutsideTheTaskAreRefused(arguments: [String], flag: String) throws {
    try expectRefused(
      arguments, saying: "\(flag) is outside the countdown sizes 2-6 (numbers per problem).")
  }

  /// bench rollout's variant rules (issue 13): an unknown or out-of-range rule is named.
  @Test(arguments: ["fixed+tau=0", "branch-entropy+fork+bogus", "fixed+seg=0"])
  func badVariantRulesAreRefused(entry: String) throws {
    let rule = String(entry.split(separator: "+").last!)
    try expectRefused(
      ["bench", "rollout", "--variants", entry],
      saying: "--variants: \"\(rule)\" in \"\(entry)\" is not a rule (step, distinct, fork, seg=N "
        + "with N ≥ 1, tau=T with T > 0)")
  }

  @Test func chainAcceptsItsOwnLargerSizesButNotMore() throws {
    try expectRefused(
      ["sample", "--task", "chain", "--sizes", "9"],
      saying: "--sizes 9 is outside the chain sizes 2-8 (numbers per problem).")
  }

  /// Item 7: NaN, negative and zero numbers, in the option's own check.
  @Test(arguments: [
    (["pretrain", "--lr", "nan"], "--lr nan must be a positive number."),
    (["pretrain", "--weight-decay", "-1"], "--weight-decay -1.0 must be a number ≥ 0."),
    (["pretrain", "--heads", "0"], "--heads 0 must be at least 1."),
    (["pretrain", "--time-budget", "nan"], "--time-budget nan must be a positive number."),
    (["train", "--lr", "inf"], "--lr inf must be a positive number."),
    (["train", "--kl-loss-coef", "nan"], "--kl-loss-coef nan must be a number ≥ 0."),
    (["train", "--time-budget", "nan"], "--time-budget nan must be a number ≥ 0."),
    (["eval", "--temperature", "0"], "--temperature 0.0 must be a positive number."),
    (["eval", "--threads", "0"], "--threads 0 must be between 1 and 256."),
    (["bench", "train", "--threads", "-2"], "--threads -2 must be between 1 and 256."),
    (
      ["sample", "--temperature", "nan"],
      "--temperature: temperature is nan; it must be a number ≥ 0 (0 = greedy)."
    ),
    (
      ["sample", "--tree-div-entropy-threshold", "nan"],
      "--tree-div-entropy-threshold: tree_div_entropy_threshold is nan; it must be a number ≥ 0."
    ),
  ])
  func badNumbersAreRefused(arguments: [String], sentence: String) throws {
    try expectRefused(arguments, saying: sentence)
  }

  /// `--n -3` reaches the option's check instead of "Missing value for '--n <n>'".
  @Test func aNegativeNumberIsCheckedNotMissing() throws {
    try expectRefused(
      ["sample", "--n", "-3"], saying: "--n: rollout.n is -3; it must be at least 1.")
  }

  /// Item 21: a first divergence wider than n.
  @Test func initialDivergenceAboveNIsRefused() throws {
    try expectRefused(
      ["sample", "--n", "4", "--tree-max-initial-div", "9"],
      saying:
        "--tree-max-initial-div: tree_max_initial_div is 9; it must be at most rollout.n (4).")
  }

  @Test func versionPrintsTheVersion() throws {
    let r = try Command.treepo(["--version"])
    #expect(r.status == 0)
    #expect(r.output.hasPrefix("treepo "), "\(r.output)")
  }

  /// A misspelt command, or help about one, says so instead of showing explore's usage.
  @Test func unknownCommandsAreNamed() throws {
    let typo = try Command.treepo(["trian", "--steps", "1"])
    #expect(typo.status == 64, "\(typo.output)")
    #expect(typo.lines.count == 1, "\(typo.output)")
    #expect(
      typo.output.hasPrefix(
        "Error: 'trian' is not a treepo command; did you mean 'train'? Commands: explore, "),
      "\(typo.output)")
    #expect(typo.output.hasSuffix(" (see treepo --help).\n"), "\(typo.output)")
    let help = try Command.treepo(["help", "foo"])
    #expect(help.status != 0)
    #expect(help.output.hasPrefix("Error: 'foo' is not a treepo command."), "\(help.output)")
    #expect(!help.output.contains("treepo explore"))
    let bench = try Command.treepo(["bench", "decod"])
    #expect(bench.output.hasPrefix("Error: 'decod' is not a treepo bench command; did you mean"))
  }

  /// A terminal that cannot place the cursor gets a sentence, not a garbled screen.
  @Test func dumbTerminalIsRefused() throws {
    let r = try Command.treepo(Demo.replayArguments, environment: ["TERM": "dumb"])
    #expect(r.status == 1)
    #expect(r.output.hasPrefix("Error: The explorer needs a terminal that can move the cursor"))
    #expect(!r.output.contains("\u{1B}["), "no escape sequences written")
  }

  /// `sample --help` promises only what `sample` prints.
  @Test func sampleHelpMatchesItsOutput() throws {
    let r = try Command.treepo(["sample", "--help"])
    #expect(r.status == 0)
    #expect(!r.output.contains("Prints prompts, trajectories"))
    #expect(r.output.contains("go to --trace"))
  }
}
