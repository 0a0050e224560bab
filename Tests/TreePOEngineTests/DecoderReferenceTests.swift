import Foundation
import Testing
import TreePOEngine

// A deliberately naive Llama forward in Double, written from the HF definition (not from the
// engine's kernels), used as the oracle for the decoder: logits [T, V] of every position of one
// token sequence, recomputed from scratch.
struct ReferenceLlama {
  let model: Model

  func w(_ name: String) -> UnsafeMutablePointer<Float> { model.tensor(named: name)! }

  /// y[o] = Σ_i W[o, i]·x[i] for W [out, in].
  func linear(_ name: String, _ x: [Double], out: Int) -> [Double] {
    let m = w(name)
    return (0..<out).map { o in
      (0..<x.count).reduce(0.0) { $0 + Double(m[o * x.count + $1]) * x[$1] }
    }
  }

  func rmsNorm(_ name: String, _ x: [Double]) -> [Double] {
    let weight = w(name)
    let ms = x.reduce(0) { $0 + $1 * $1 } / Double(x.count)
    let s = 1 / (ms + Double(model.config.rmsNormEps)).squareRoot()
    return x.indices.map { x[$0] * s * Double(weight[$0]) }
  }

  /// HF rotate-half RoPE of one head vector at `position`.
  func rope(_ v: ArraySlice<Double>, position: Int) -> [Double] {
    let hd = v.count
    let half = hd / 2
    let x = Array(v)
    var y = x
    for i in 0..<half {
      let invFreq = pow(Double(model.config.ropeTheta), -Double(2 * i) / Double(hd))
      let angle = Double(position) * invFreq
      y[i] = x[i] * cos(angle) - x[i + half] * sin(angle)
      y[i + half] = x[i + half] * cos(angle) + x[i] * sin(angle)
    }
    return y
  }

  func logits(_ tokens: [Int]) -> [[Double]] {
    let cfg = model.config
    let (c, hd, nh, nkv) = (cfg.hiddenSize, cfg.headDim, cfg.numHeads, cfg.numKVHeads)
    let emb = w("model.embed_tokens.weight")
    var xs = tokens.map { t in (0..<c).map { Double(emb[t * c + $0]) } }
    for l in 0..<cfg.numLayers {
      let p = "model.layers.\(l)."
      var qs: [[Double]] = []
      var ks: [[Double]] = []
      var vs: [[Double]] = []
      for (t, x) in xs.enumerated() {
        let h = rmsNorm(p + "input_layernorm.weight", x)
        let q = linear(p + "self_attn.q_proj.weight", h, out: nh * hd)
        let k = linear(p + "self_attn.k_proj.weight", h, out: nkv * hd)
        qs.append((0..<nh).flatMap { rope(q[$0 * hd..<($0 + 1) * hd], position: t) })
        ks.append((0..<nkv).flatMap { rope(k[$0 * hd..<($0 + 1) * hd], position: t) })
        vs.append(linear(p + "self_attn.v_proj.weight", h, out: nkv * hd))
      }
      for t in xs.indices {
        var att = [Double](repeating: 0, count: nh * hd)
        for head in 0..<nh {
          let g = head / (nh / nkv)
          let scores = (0...t).map { j in
            (0..<hd).reduce(0.0) { $0 + qs[t][head * hd + $1] * ks[j][g * hd + $1] }
              / Double(hd).squareRoot()
          }
          let m = scores.max()!
          let e = scores.map { exp($0 - m) }
          let z = e.reduce(0, +)
          for j in 0...t {
            for i in 0..<hd { att[head * hd + i] += e[j] / z * vs[j][g * hd + i] }
          }
        }
        let o = linear(p + "self_attn.o_proj.weight", att, out: c)
        for i in 0..<c { xs[t][i] += o[i] }
        let h = rmsNorm(p + "post_attention_layernorm.weight", xs[t])
        let gate = linear(p + "mlp.gate_proj.weight", h, out: cfg.intermediateSize)
        let up = linear(p + "mlp.up_proj.weight", h, out: cfg.intermediateSize)
        let act = gate.indices.map { gate[$0] / (1 + exp(-gate[$0])) * up[$0] }
        let d = linear(p + "mlp.down_proj.weight", act, out: c)
        for i in 0..<c { xs[t][i] += d[i] }
      }
    }
    let head = cfg.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight"
    return xs.map { linear(head, rmsNorm("model.norm.weight", $0), out: cfg.vocabSize) }
  }
}

/// max |a − b| / max |b|, the relative error used by every decoder test.
func relativeError(_ a: UnsafeBufferPointer<Float>, _ b: [Double]) -> Double {
  precondition(a.count == b.count)
  let scale = b.map { abs($0) }.max()!
  return zip(a, b).map { abs(Double($0) - $1) }.max()! / scale
}

/// A tiny random model whose head dim (8) exercises the SIMD paths and whose 2 KV heads serve
/// 4 query heads (GQA); untied LM head, norm weights perturbed away from 1.
func tinyDecoderModel(tied: Bool = false, seed: UInt64 = 3) -> Model {
  let config = ModelConfig(
    vocabSize: 13, hiddenSize: 16, intermediateSize: 24, numLayers: 2, numHeads: 4,
    numKVHeads: 2, headDim: 8, maxPositions: 40, tieWordEmbeddings: tied)
  let model = Model(config: config)
  model.initializeWeights(seed: seed, std: 0.3)
  var rng = SeededRandom(seed: seed &+ 100)
  for spec in model.layout.tensors where spec.shape.count == 1 {
    for i in 0..<spec.count { model.parameters[spec.offset + i] = 1 + 0.2 * rng.nextNormal() }
  }
  return model
}

@Suite struct DecoderReferenceTests {
  @Test func referenceIsCausal() {
    // The oracle itself: a later token never changes earlier logits.
    let ref = ReferenceLlama(model: tinyDecoderModel())
    let a = ref.logits([1, 2, 3, 4])
    let b = ref.logits([1, 2, 3, 9])
    #expect(a[0..<3] == b[0..<3])
    #expect(a[3] != b[3])
  }
}
