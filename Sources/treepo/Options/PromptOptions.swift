// What a command sends the model: `--raw` and the prompt file of `sample` and `eval`, and the one
// place a task's prompts are wrapped in a chat model's template.

import ArgumentParser
import Foundation
import TreePOEngine

/// `--raw`: a chat model gets the prompts as they are instead of through its chat template.
struct ChatOptions: ParsableArguments {
  @Flag(help: "Send prompts as they are, without the model's chat template (chat models only).")
  var raw = false
}

extension LoadedModel {
  /// The model's chat template, nil when it ships none (the task models) or with `--raw`; a
  /// template the engine does not know is one sentence pointing to --raw.
  func chatTemplate(raw: Bool) throws -> ChatTemplate? {
    guard !raw, let chatTemplate else { return nil }
    return try ChatTemplate(recognizing: chatTemplate, source: folder.path)
  }

  /// `task` with its prompts as this model must see them: a user turn of its chat template (with
  /// the template's default system prompt). A prompt-file line given as "prompt" goes as written.
  func formatted(_ task: any ReasoningTask, raw: Bool) throws -> any ReasoningTask {
    guard let template = try chatTemplate(raw: raw) else { return task }
    let asWritten = Set((task as? ArithTask)?.fileQuestions.filter(\.raw).map(\.text) ?? [])
    return PromptFormattedTask(task) { p in
      p.size == ArithTask.fileLevel && asWritten.contains(p.prompt)
        ? p.prompt : template.prompt(user: p.prompt)
    }
  }
}

enum PromptFile {
  /// The file's text; an unreadable file is one sentence.
  static func read(_ path: String) throws -> String {
    do { return try String(contentsOfFile: path, encoding: .utf8) } catch {
      throw CommandError(FileErrors.sentence(error, path: path, doing: "read it"))
    }
  }

  /// The arith task holding the file's questions (level 0); a bad line is one sentence.
  static func arith(_ path: String) throws -> ArithTask {
    do {
      return ArithTask(fileQuestions: try ArithPromptFile.parse(read(path), path: path))
    } catch let error as ArithPromptFileError {
      throw CommandError(error.description)
    }
  }
}
