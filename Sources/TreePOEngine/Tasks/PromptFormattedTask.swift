// A task whose prompts are wrapped before the model sees them (a chat model's template), so the
// evaluator and the samplers, which take prompts from the task, send what the model expects. The
// verifier still gets the wrapped prompt; tasks for chat models find their question inside it.

public struct PromptFormattedTask: ReasoningTask {
  public let base: any ReasoningTask
  public let format: @Sendable (Problem) -> String

  public init(_ base: any ReasoningTask, format: @escaping @Sendable (Problem) -> String) {
    self.base = base
    self.format = format
  }

  public var name: String { base.name }

  public func problem(split: Split, index: Int, size: Int) -> Problem {
    var p = base.problem(split: split, index: index, size: size)
    p.prompt = format(p)
    return p
  }

  public func verify(prompt: String, completion: String) -> Verdict {
    base.verify(prompt: prompt, completion: completion)
  }

  public func isViablePrefix(prompt: String, partial: String) -> Bool {
    base.isViablePrefix(prompt: prompt, partial: partial)
  }

  /// The wrapped task's steps (the template changes the prompt, not how a reply divides).
  public var stepBoundary: StepBoundary { base.stepBoundary }
}
