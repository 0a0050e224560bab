// The keys of a run (a folder or a multi-step trace): steps, and the batch list's order and filter.

extension KeyMap {
  static let runOnly: @Sendable (Explorer) -> String? = {
    $0.isRun ? nil : "only for a run of several steps (treepo replay DIR or a multi-step trace)"
  }
  static let notInRun: @Sendable (Explorer) -> String? = {
    $0.isRun ? "moves between steps in a run: Tab to the batch list, then j k" : nil
  }

  /// First in the table: in a run `[` `]` move between steps, before the Tree's prompts.
  static let runBindings: [KeyBinding] = [
    KeyBinding(
      [.character("[")], "[", .previousStep, "previous step", group: "Run",
      availability: "not a run", whyDisabled: runOnly),
    KeyBinding(
      [.character("]")], "]", .nextStep, "next step", group: "Run", availability: "not a run",
      whyDisabled: runOnly),
    KeyBinding(
      [.character("o")], "o", .cycleSort,
      "sort the batch: order / pass rate / score spread / length", group: "Run",
      availability: "not a run", whyDisabled: runOnly),
    KeyBinding(
      [.character("O")], "O", .flipSort, "best first / worst first", group: "Run",
      availability: "not a run", whyDisabled: runOnly),
    KeyBinding(
      [.character("f")], "f", .cycleFilter,
      "show prompts: all / mixed / all pass / all fail / cut short", group: "Run",
      availability: "not a run", whyDisabled: runOnly),
  ]
}
