import ArgumentParser
import Foundation
import TreePOEngine

extension Treepo {
  struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Stream a model's completion of one prompt to stdout.",
      discussion: """
        The smallest check that a model is loaded right, e.g. \
        treepo generate --model smollm2-135m --prompt "What is 7 + 5?" --temperature 0. \
        The prompt is formatted with the model's chat template (ChatML, with the default system \
        prompt the template inserts) unless --raw; generation stops at the model's EOS / \
        end-of-turn ids or after --max-new-tokens.
        """)

    @OptionGroup var model: ModelOption
    @Option(help: "The user message (or, with --raw, the whole text to continue).")
    var prompt: String
    @Option(help: "response_length: new tokens at most.")
    var maxNewTokens = 256
    @Option(help: "Sampling temperature (0 = greedy).")
    var temperature: Float = 0.7
    @Option(help: "Seed of the token draws.")
    var seed: UInt64 = 0
    @Flag(help: "Send the prompt as is, without the chat template.")
    var raw = false
    @OptionGroup var threads: ThreadOptions

    func validate() throws {
      try Check.atLeast("--max-new-tokens", maxNewTokens, 1)
      try Check.nonNegative("--temperature", temperature)
    }

    func run() throws {
      threads.apply()
      let loaded = try model.load(threads: threads.threads)
      let ids = try promptIds(loaded)
      let generator = TextGenerator(
        model: loaded.model, stopIds: Set(loaded.tokenizer.stopIds),
        sampling: SamplingConfig(temperature: temperature), seed: seed,
        maxLength: ids.count + maxNewTokens, threads: threads.threads)
      var output = StreamingDecoder(loaded.tokenizer)
      try generator.run(prompt: ids, maxNewTokens: maxNewTokens) { token in
        write(output.push(token))
      }
      write(output.finish() + "\n")
    }

    func promptIds(_ loaded: LoadedModel) throws -> [Int] {
      var text = prompt
      if !raw {
        guard let template = loaded.chatTemplate else {
          throw CommandError(
            "\(loaded.folder.path): the model ships no chat template; pass --raw to send the "
              + "prompt as is.")
        }
        text = try ChatTemplate(recognizing: template, source: loaded.folder.path)
          .prompt(user: prompt)
      }
      do {
        return try loaded.tokenizer.encode(text)
      } catch {
        throw CommandError("--prompt cannot be encoded: \(error.description)")
      }
    }

    func write(_ text: String) {
      guard !text.isEmpty else { return }
      FileHandle.standardOutput.write(Data(text.utf8))
    }
  }
}
