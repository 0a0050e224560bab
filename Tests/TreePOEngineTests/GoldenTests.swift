import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// The engine against PyTorch/transformers on tiny Llama configs (fixtures from
// scripts/golden/make_fixtures.py): the HF folder loads through ModelFolder, and logits, loss,
// every parameter gradient, the losses of 3 AdamW steps and every parameter after them match
// within 1e-4 relative to each tensor's largest magnitude. Each tensor fails on its own, by name.

let goldenTolerance: Float = 1e-4

func goldenURL(_ path: String) throws -> URL {
  let root = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
  return root.appendingPathComponent("Fixtures/golden").appendingPathComponent(path)
}

/// Records one failure naming `name` when `actual` and `expected` differ by more than the
/// tolerance relative to max |expected| (the shared comparison in TreePOTestSupport).
func expectClose(
  _ name: String, _ actual: [Float], _ expected: [Float], tolerance: Float = goldenTolerance,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  expectCloseFloats(
    name, actual, expected, tolerance: Double(tolerance), relative: true,
    sourceLocation: sourceLocation)
}

/// A [B, T] batch from a fixture: ids, lengths, next-token targets (0 where there is none) and
/// the supervised dLogprob = −1/N on the N valid targets.
struct GoldenBatch {
  let batch: Int
  let length: Int
  let tokens: [Int32]
  let lengths: [Int]
  let targets: [Int32]
  let dLogprob: [Float]
  let validTargets: Int

  init(_ file: SafetensorsFile) throws {
    let ids = try #require(file.floats(named: "input_ids"))
    let shape = try #require(file.tensor(named: "input_ids")?.shape)
    let (batch, length) = (shape[0], shape[1])
    let tokens = ids.map { Int32($0) }
    let lengths = try #require(file.floats(named: "lengths")).map { Int($0) }
    var targets = [Int32](repeating: 0, count: batch * length)
    var valid = 0
    for b in 0..<batch {
      for t in 0..<max(lengths[b] - 1, 0) {
        targets[b * length + t] = tokens[b * length + t + 1]
        valid += 1
      }
    }
    self.batch = batch
    self.length = length
    self.tokens = tokens
    self.lengths = lengths
    self.targets = targets
    validTargets = valid
    dLogprob = (0..<batch * length).map { r in
      r % length < lengths[r / length] - 1 ? -1 / Float(valid) : 0
    }
  }

  /// Values at valid positions only ([B, T, width] → rows t < length[b]), as HF's padding rows
  /// are computed from masked keys and mean nothing.
  func validRows(_ values: UnsafePointer<Float>, width: Int) -> [Float] {
    var out: [Float] = []
    for b in 0..<batch {
      for t in 0..<lengths[b] {
        out += UnsafeBufferPointer(start: values + (b * length + t) * width, count: width)
      }
    }
    return out
  }

  func validRows(_ values: [Float], width: Int) -> [Float] {
    values.withUnsafeBufferPointer { validRows($0.baseAddress!, width: width) }
  }

  /// Mean cross-entropy over the valid targets after a forward.
  func loss(_ graph: TrainingGraph) -> Float {
    var sum: Float = 0
    for r in 0..<batch * length where dLogprob[r] != 0 { sum -= graph.targetLogprobs[r] }
    return sum / Float(validTargets)
  }
}

@Suite struct GoldenTests {
  @Test(arguments: ["llama_untied", "llama_tied"])
  func matchesTransformers(_ name: String) throws {
    let (model, tokenizer) = try ModelFolder.load(try goldenURL("\(name)/model"))
    #expect(tokenizer == CharTokenizer(), "the tokenizers-written tokenizer.json reads back")
    let expected = try SafetensorsFile(path: try goldenURL("\(name)/expected.safetensors").path)
    let input = try GoldenBatch(expected)
    let v = model.config.vocabSize
    let graph = TrainingGraph(model: model, maxBatch: input.batch, maxLength: input.length)

    graph.forward(
      tokens: input.tokens, targets: input.targets, lengths: input.lengths, batch: input.batch,
      length: input.length)
    expectClose(
      "\(name) logits", input.validRows(graph.logits, width: v),
      input.validRows(try #require(expected.floats(named: "logits")), width: v))
    expectClose("\(name) loss", [input.loss(graph)], try #require(expected.floats(named: "loss")))

    graph.zeroGradients()
    graph.backward(dLogprob: input.dLogprob)
    for spec in model.layout.tensors {
      let reference = try #require(
        expected.floats(named: "grad." + spec.name), "no PyTorch gradient for \(spec.name)")
      let actual = Array(
        UnsafeBufferPointer(start: graph.gradients.at(spec.offset), count: spec.count))
      expectClose("\(name) grad.\(spec.name)", actual, reference)
    }

    // Three AdamW steps on the same batch (the first reuses the gradients above).
    let adam = AdamW(
      layout: model.layout, learningRate: 1e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8,
      weightDecay: 0.1)
    var losses = [input.loss(graph)]
    for step in 1...3 {
      adam.step(parameters: model.parameters, gradients: graph.gradients)
      graph.forward(
        tokens: input.tokens, targets: input.targets, lengths: input.lengths, batch: input.batch,
        length: input.length)
      losses.append(input.loss(graph))
      if step < 3 {
        graph.zeroGradients()
        graph.backward(dLogprob: input.dLogprob)
      }
    }
    expectClose("\(name) losses", losses, try #require(expected.floats(named: "losses")))
    for spec in model.layout.tensors {
      let reference = try #require(
        expected.floats(named: "step3." + spec.name), "no PyTorch step-3 value for \(spec.name)")
      let actual = Array(
        UnsafeBufferPointer(start: model.parameters.at(spec.offset), count: spec.count))
      expectClose("\(name) step3.\(spec.name)", actual, reference)
    }
  }
}
