import Foundation
import Testing
import TreePOEngine

// Hugging Face folders that transformers wrote, beyond the engine's own (fixtures from
// scripts/golden/make_hf_fixtures.py): Qwen2 with q/k/v biases and a tied embedding, a bfloat16
// Llama, a sharded Llama. Logits, loss and every gradient of the training graph match PyTorch's,
// and the decoder (prefill, then one token at a time) gives the same logits.

@Suite struct GoldenHFFolderTests {
  @Test(arguments: ["qwen2_biases", "llama_bf16", "llama_sharded"])
  func matchesTransformers(_ name: String) throws {
    let (model, _) = try ModelFolder.load(try goldenURL("\(name)/model"))
    let expected = try SafetensorsFile(path: try goldenURL("\(name)/expected.safetensors").path)
    let input = try GoldenBatch(expected)
    let v = model.config.vocabSize
    let graph = TrainingGraph(model: model, maxBatch: input.batch, maxLength: input.length)
    graph.forward(
      tokens: input.tokens, targets: input.targets, lengths: input.lengths, batch: input.batch,
      length: input.length)
    let reference = try #require(expected.floats(named: "logits"))
    expectClose(
      "\(name) logits", input.validRows(graph.logits, width: v),
      input.validRows(reference, width: v))
    expectClose("\(name) loss", [input.loss(graph)], try #require(expected.floats(named: "loss")))
    graph.zeroGradients()
    graph.backward(dLogprob: input.dLogprob)
    var checked = 0
    for spec in model.layout.tensors {
      let gradient = try #require(
        expected.floats(named: "grad." + spec.name), "no PyTorch gradient for \(spec.name)")
      let actual = Array(
        UnsafeBufferPointer(start: graph.gradients.at(spec.offset), count: spec.count))
      expectClose("\(name) grad.\(spec.name)", actual, gradient)
      checked += 1
    }
    // PyTorch names no tensor the engine lacks (a tied lm_head is the embedding itself).
    let torchCount = expected.tensors.filter { $0.name.hasPrefix("grad.") }.count
    #expect(checked == torchCount, "\(name): \(checked) engine tensors, \(torchCount) in PyTorch")

    // The decoder: first token by prefill, then step by step, every position against PyTorch.
    let decoder = DecoderSession(model: model, pages: 8, pageSize: 4, maxBatch: 1)
    for b in 0..<input.batch {
      let seq = decoder.cache.newSequence()
      var rows: [Float] = []
      for t in 0..<input.lengths[b] {
        let token = Int(input.tokens[b * input.length + t])
        if t == 0 {
          rows += try decoder.prefill(seq, tokens: [token])
        } else {
          rows += try decoder.step([seq], tokens: [token])[0]
        }
      }
      let start = b * input.length * v
      expectClose(
        "\(name) decoder logits of sequence \(b)", rows,
        Array(reference[start..<start + input.lengths[b] * v]))
      decoder.cache.free(seq)
    }
  }

  @Test func qwen2FolderHasBiasesTiedEmbeddingAndEveryEOS() throws {
    let (model, _) = try ModelFolder.load(try goldenURL("qwen2_biases/model"))
    #expect(model.config.attentionBias)
    #expect(model.config.tieWordEmbeddings)
    #expect(model.config.ropeTheta == 1_000_000)
    #expect(model.config.rmsNormEps == 1e-6)
    // config.json says 21; generation_config.json lists [21, 5].
    #expect(model.config.eosTokenIds == [21, 5])
    #expect(model.layout.spec(named: "model.layers.1.self_attn.v_proj.bias")?.shape == [16])
  }
}
