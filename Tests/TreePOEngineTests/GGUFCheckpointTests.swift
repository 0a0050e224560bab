import Foundation
import Testing
import TreePOEngine
import TreePOTestSupport

// GGUF files as engine models: a tiny random Llama written as llama.cpp's converter writes it
// (q/k rows permuted for its RoPE) gives transformers' logits at every position once the engine
// undoes the permutation, and so does a tiny Qwen2 (biases, tied, not permuted); metadata maps to
// ModelConfig; SHA-256 and the catalog; and, when it is
// installed in the cache, the real SmolLM2 file's metadata and tensor table.

/// Logits of `tokens` at every position, one token at a time through the KV cache.
func stepByStepLogits(_ model: Model, tokens: [Int]) throws -> [[Float]] {
  let decoder = DecoderSession(model: model, pages: 4, pageSize: 16, maxBatch: 1)
  let seq = decoder.cache.newSequence()
  var rows: [[Float]] = []
  for t in tokens {
    rows.append(Array(try decoder.step([seq], tokens: [t])[0]))
  }
  return rows
}

/// Loads fixture `name`.gguf and compares the engine's logits at every position with
/// transformers' in `name`.safetensors.
func expectTransformersLogits(_ name: String, threads: Int) throws -> GGUFCheckpoint {
  let checkpoint = try GGUFCheckpoint(path: try ggufFixtureURL(name + ".gguf").path)
  let model = checkpoint.loadModel(threads: threads)
  let expected = try SafetensorsFile(path: try ggufFixtureURL(name + ".safetensors").path)
  let ids = try #require(expected.floats(named: "input_ids")).map { Int($0) }
  let logits = try #require(expected.floats(named: "logits"))
  let v = checkpoint.config.vocabSize
  for (t, row) in try stepByStepLogits(model, tokens: ids).enumerated() {
    expectClose("\(name) logits[\(t)]", row, Array(logits[(t * v)..<((t + 1) * v)]))
  }
  return checkpoint
}

@Test func llamaGGUFGivesTransformersLogitsAtEveryPosition() throws {
  let checkpoint = try expectTransformersLogits("llama_tiny", threads: 2)
  #expect(checkpoint.architecture == "llama")
  #expect(
    checkpoint.config
      == ModelConfig(
        vocabSize: 64, hiddenSize: 32, intermediateSize: 48, numLayers: 2, numHeads: 4,
        numKVHeads: 2, rmsNormEps: 1e-5, ropeTheta: 10000, maxPositions: 64,
        tieWordEmbeddings: false, bosTokenId: 1, eosTokenId: 2))
}

@Test func qwen2GGUFWithBiasesAndTiedEmbeddingGivesTransformersLogits() throws {
  let checkpoint = try expectTransformersLogits("qwen2_tiny", threads: 1)
  #expect(checkpoint.architecture == "qwen2")
  #expect(
    checkpoint.config
      == ModelConfig(
        vocabSize: 64, hiddenSize: 32, intermediateSize: 48, numLayers: 2, numHeads: 4,
        numKVHeads: 2, rmsNormEps: 1e-6, ropeTheta: 1_000_000, maxPositions: 64,
        tieWordEmbeddings: true, bosTokenId: 1, eosTokenId: 2, attentionBias: true))
}

@Test func theFixtureReallyIsPermuted() throws {
  // Without this the logits test could pass on a file whose q/k rows are in HF order.
  let checkpoint = try GGUFCheckpoint(path: try ggufFixtureURL("llama_tiny.gguf").path)
  let model = checkpoint.loadModel()
  for name in ["blk.0.attn_q.weight", "blk.1.attn_k.weight"] {
    let t = try #require(checkpoint.file.tensor(named: name))
    var raw = [Float](repeating: 0, count: t.elementCount)
    GGUFDequantize.run(t.type, from: checkpoint.file.data(of: t), into: &raw, count: raw.count)
    let hfName = try #require(GGUFCheckpoint.hfName(name))
    let hf = try #require(model.tensor(named: hfName))
    let loaded = Array(UnsafeBufferPointer(start: hf, count: raw.count))
    let inFileOrder = raw == loaded
    let sameValues = raw.sorted() == loaded.sorted()
    #expect(!inFileOrder, "\(name) was loaded in file order")
    #expect(sameValues, "\(name) lost values in the reordering")
  }
}

@Test func loadingOnOneOrManyThreadsGivesTheSameBuffer() throws {
  let checkpoint = try GGUFCheckpoint(path: try ggufFixtureURL("llama_tiny.gguf").path)
  let one = checkpoint.loadModel(threads: 1).parameters.array
  let four = checkpoint.loadModel(threads: 4).parameters.array
  expectIdenticalFloats("parameters loaded on 4 threads vs 1", four, one)
}

@Test func ggufAndHFNamesMapBothWays() {
  for (gguf, hf) in [
    ("token_embd.weight", "model.embed_tokens.weight"), ("output.weight", "lm_head.weight"),
    ("blk.12.attn_output.weight", "model.layers.12.self_attn.o_proj.weight"),
    ("blk.0.attn_q.bias", "model.layers.0.self_attn.q_proj.bias"),
    ("blk.3.ffn_down.weight", "model.layers.3.mlp.down_proj.weight"),
  ] {
    #expect(GGUFCheckpoint.hfName(gguf) == hf)
    #expect(GGUFCheckpoint.ggufName(hf) == gguf)
  }
  #expect(GGUFCheckpoint.hfName("rope_freqs.weight") == nil)
  #expect(GGUFCheckpoint.hfName("blk.x.attn_q.weight") == nil)
}

@Test func sha256MatchesKnownDigests() {
  var empty = SHA256()
  #expect(empty.hexDigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
  var abc = SHA256()
  abc.update(Array("abc".utf8))
  #expect(abc.hexDigest() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  // 1,000,000 × "a", fed in uneven pieces so block boundaries fall inside updates.
  var million = SHA256()
  var fed = 0
  var piece = 1
  while fed < 1_000_000 {
    let n = min(piece, 1_000_000 - fed)
    million.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
    fed += n
    piece = piece * 3 % 997 + 1
  }
  #expect(
    million.hexDigest() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
}

@Test func catalogCacheFolderFollowsXDG() throws {
  let model = try #require(ModelCatalog.named("smollm2-135m"))
  #expect(
    ModelCatalog.path(of: model, environment: ["XDG_CACHE_HOME": "/x/cache/", "HOME": "/h"])
      == "/x/cache/treepo/models/SmolLM2-135M-Instruct.Q4_1.gguf")
  #expect(
    ModelCatalog.cacheFolder(environment: ["XDG_CACHE_HOME": "relative", "HOME": "/h"])
      == "/h/.cache/treepo/models")
  #expect(ModelCatalog.cacheFolder(environment: [:]) == nil)
}

/// The installed SmolLM2 file (`make test` runs `treepo models get smollm2-135m` first).
let installedSmolLM2: String? = ModelCatalog.named("smollm2-135m").flatMap {
  ModelCatalog.installedPath(of: $0, environment: ProcessInfo.processInfo.environment)
}

@Test(.enabled(if: installedSmolLM2 != nil, "SmolLM2 is not installed (treepo models get)"))
func smolLM2FromTheCacheHasTheExpectedMetadataAndTensors() throws {
  let path = try #require(installedSmolLM2)
  let checkpoint = try GGUFCheckpoint(path: path)
  #expect(
    checkpoint.config
      == ModelConfig(
        vocabSize: 49152, hiddenSize: 576, intermediateSize: 1536, numLayers: 30, numHeads: 9,
        numKVHeads: 3, rmsNormEps: 1e-5, ropeTheta: 100_000, maxPositions: 8192,
        tieWordEmbeddings: true, bosTokenId: 1, eosTokenId: 2))
  let types = Dictionary(grouping: checkpoint.file.tensors, by: \.type.name).mapValues(\.count)
  #expect(types == ["Q4_1": 210, "Q8_0": 1, "F32": 61])
  #expect(checkpoint.file.tensor(named: "token_embd.weight")?.shape == [49152, 576])
  let tok = checkpoint.tokenizer
  #expect(tok.model == "gpt2" && tok.pre == "smollm")
  #expect(tok.tokens.count == 49152 && tok.merges.count == 48900 && tok.tokenTypes.count == 49152)
  #expect(tok.bosId == 1 && tok.eosId == 2 && tok.paddingId == 2 && tok.addBosToken == false)
  #expect(tok.tokens[1] == "<|im_start|>" && tok.tokens[2] == "<|im_end|>")
  #expect(tok.chatTemplate?.contains("<|im_start|>") == true)
}

@Test(.enabled(if: installedSmolLM2 != nil, "SmolLM2 is not installed (treepo models get)"))
func smolLM2LoadsAsTransformersLoadsIt() throws {
  // Per tensor: sum, sum |x| and 8 values of transformers' load of the same file
  // (scripts/golden/make_gguf_fixtures.py) — pins the Q8_0/Q4_1 dequantization and the
  // un-permutation of 9 query / 3 key heads on the real file.
  let model = try GGUFCheckpoint(path: try #require(installedSmolLM2)).loadModel(threads: 2)
  let expected = try SafetensorsFile(
    path: try ggufFixtureURL("smollm2_tensors.safetensors").path)
  #expect(expected.tensors.count == model.layout.tensors.count)
  for spec in model.layout.tensors {
    let want = try #require(expected.floats(named: spec.name), "no fixture for \(spec.name)")
    let p = model.parameters.at(spec.offset)
    var sum = 0.0
    var sumAbs = 0.0
    for i in 0..<spec.count {
      sum += Double(p[i])
      sumAbs += Double(abs(p[i]))
    }
    let picks = (0..<8).map { Float(p[($0 * 2_654_435_761 + 17) % spec.count]) }
    expectIdenticalFloats("\(spec.name) at 8 indices", picks, Array(want[2...]))
    expectCloseFloats(
      "\(spec.name) sum, sum |x|", [Float(sum), Float(sumAbs)], Array(want[0..<2]),
      tolerance: 1e-5, relative: true)
  }
}
