// Input the terminal driver hands to the explorer, and the commands the explorer hands back.
// The driver translates ncurses keys and mouse events into `Key`; the key-map table maps those to
// actions; actions that need the engine come back as `ExplorerCommand`s for the driver to forward.

public enum Key: Sendable, Equatable, Hashable {
  case character(Character)
  /// Ctrl + a letter, e.g. `.control("l")` for Ctrl-L.
  case control(Character)
  case up, down, left, right, enter, escape, tab, backTab, home, end, pageUp, pageDown, backspace
  case mouseClick(x: Int, y: Int)
  case scrollUp, scrollDown
}

public enum ExplorerCommand: Sendable, Equatable {
  case quit
  case redraw
  /// Engine: decode one round for the current batch.
  case stepRound
  /// Engine: run rounds until the batch is done, or pause if running.
  case toggleRun
  /// Engine: one PPO update on the trees on screen.
  case trainStep
  /// Engine: sample a new batch of prompts.
  case newBatch
  /// Save the events so far as a trace file.
  case saveTrace
  /// Engine: save the trained weights as a model folder (through the checkpoint code).
  case saveWeights
}
