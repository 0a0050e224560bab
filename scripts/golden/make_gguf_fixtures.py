#!/usr/bin/env python3
"""GGUF golden fixtures for the engine's reader, made with gguf-py and transformers (outside CI).

Regenerate (from the repository root):
    scripts/setup-peers.sh              # creates .venv-peers (torch CPU, transformers, gguf)
    .venv-peers/bin/python scripts/golden/make_gguf_fixtures.py

Writes, under Tests/TreePOEngineTests/Fixtures/gguf/:
  dequant.gguf
      for each type T of F32 F16 BF16 Q8_0 Q4_0 Q4_1 Q4_K Q5_K Q6_K: tensor "T" holding random
      blocks of that type (random bytes, with every f16 scale field set to a random finite
      value), and tensor "T.expected" (F32) holding gguf-py's `quants.dequantize` of those bytes.
  llama_tiny.gguf, llama_tiny.safetensors
      a random-weight LlamaForCausalLM (2 layers, 4 heads / 2 KV heads, head_dim 8, untied) written
      as llama.cpp's converter writes it: HF tensor names mapped to GGUF names and the rows of
      every attn_q / attn_k weight permuted for llama.cpp's interleaved RoPE (the formula of
      convert_hf_to_gguf.py's LlamaModel.permute, re-implemented below); F32 tensors.
      The safetensors file holds input_ids [T] and transformers' logits [T, V] for them.
  qwen2_tiny.gguf, qwen2_tiny.safetensors
      the same for a random Qwen2ForCausalLM (tied embedding, q/k/v biases, no permutation).
  smollm2_tensors.safetensors  (only when SmolLM2's GGUF is installed, see below)
      for every parameter of SmolLM2-135M-Instruct as transformers loads the real Q4_1 file
      (gguf-py dequantization, llama.cpp's q/k permutation undone): a [10] tensor under its HF name
      with the sum and the sum of |x| (float64, stored as F32) and the values at 8 fixed indices.
      The file is found in $XDG_CACHE_HOME/treepo/models or ~/.cache/treepo/models
      (`treepo models get smollm2-135m`).
Rerunning reproduces every value (fixed seeds).
"""
import os

import numpy as np
import torch
import gguf
from gguf import GGMLQuantizationType as Q
from safetensors.torch import save_file
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "gguf")

# Byte offsets of the f16 scale fields inside one block, per quantized type.
SCALE_FIELDS = {Q.Q8_0: [0], Q.Q4_0: [0], Q.Q4_1: [0, 2], Q.Q4_K: [0, 2], Q.Q5_K: [0, 2],
                Q.Q6_K: [208]}
BLOCKS = {Q.Q8_0: 16, Q.Q4_0: 16, Q.Q4_1: 16, Q.Q4_K: 4, Q.Q5_K: 4, Q.Q6_K: 4}


def finite_halves(rng, n):
    """Random f16 values with random signs and exponents (normal and subnormal), never inf/nan."""
    bits = rng.integers(0, 1 << 16, size=n, dtype=np.uint16)
    exponent = (bits >> 10) & 0x1F
    bits = np.where(exponent == 0x1F, bits & ~np.uint16(0x4000), bits).astype(np.uint16)
    return bits


def dequant_fixture(path):
    rng = np.random.default_rng(20261201)
    w = gguf.GGUFWriter(path, arch="fixture")
    for qtype in [Q.F32, Q.F16, Q.BF16, Q.Q8_0, Q.Q4_0, Q.Q4_1, Q.Q4_K, Q.Q5_K, Q.Q6_K]:
        block_size, type_size = gguf.GGML_QUANT_SIZES[qtype]
        if qtype == Q.F32:
            values = rng.standard_normal(512).astype(np.float32) * np.float32(3)
            values[:4] = [0.0, -0.0, 1e-40, -3.4e38]  # zeros, a subnormal, a large value
            raw = values.view(np.uint8)
        elif qtype == Q.F16:
            raw = finite_halves(rng, 512).view(np.uint8)
        elif qtype == Q.BF16:
            bits = rng.integers(0, 1 << 16, size=512, dtype=np.uint16)
            exponent = (bits >> 7) & 0xFF
            raw = np.where(exponent == 0xFF, bits & ~np.uint16(0x4000), bits).astype(
                np.uint16).view(np.uint8)
        else:
            blocks = rng.integers(0, 256, size=(BLOCKS[qtype], type_size), dtype=np.uint8)
            for offset in SCALE_FIELDS[qtype]:
                blocks[:, offset:offset + 2] = finite_halves(rng, BLOCKS[qtype]).view(
                    np.uint8).reshape(-1, 2)
            raw = blocks.reshape(-1)
        expected = gguf.quants.dequantize(raw, qtype).astype(np.float32).reshape(-1)
        elements = expected.size
        assert elements % block_size == 0
        w.add_tensor(qtype.name, raw, raw_dtype=qtype)  # shape from the byte count
        w.add_tensor(qtype.name + ".expected", expected)
    write(w)


def write(w):
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def permute(weights, n_head, n_head_kv):
    """llama.cpp's q/k row order: within each head, the two RoPE halves interleaved."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (weights.reshape(n_head, 2, weights.shape[0] // n_head // 2, *weights.shape[1:])
            .swapaxes(1, 2).reshape(weights.shape))


GGUF_NAMES = {
    "input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
    "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output",
    "post_attention_layernorm": "ffn_norm", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}


def gguf_name(hf):
    top = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
           "lm_head.weight": "output.weight"}
    if hf in top:
        return top[hf]
    parts = hf.split(".")
    layer, kind = parts[2], parts[-1]
    return f"blk.{layer}.{GGUF_NAMES['.'.join(parts[3:-1])]}.{kind}"


def model_fixture(name, model, arch, permuted):
    cfg = model.config
    path = os.path.join(OUT, name + ".gguf")
    w = gguf.GGUFWriter(path, arch=arch)
    w.add_context_length(cfg.max_position_embeddings)
    w.add_embedding_length(cfg.hidden_size)
    w.add_block_count(cfg.num_hidden_layers)
    w.add_feed_forward_length(cfg.intermediate_size)
    w.add_head_count(cfg.num_attention_heads)
    w.add_head_count_kv(cfg.num_key_value_heads)
    w.add_rope_freq_base(cfg.rope_parameters["rope_theta"])
    w.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre("default")
    w.add_token_list([f"t{i}" for i in range(cfg.vocab_size)])
    w.add_token_types([1] * cfg.vocab_size)
    w.add_token_merges([])
    w.add_bos_token_id(1)
    w.add_eos_token_id(2)
    heads, kv_heads = cfg.num_attention_heads, cfg.num_key_value_heads
    for hf, tensor in model.state_dict().items():
        if hf == "lm_head.weight" and cfg.tie_word_embeddings:
            continue
        data = tensor.detach().to(torch.float32).numpy()
        if permuted and (".q_proj." in hf):
            data = permute(data, heads, heads)
        if permuted and (".k_proj." in hf):
            data = permute(data, heads, kv_heads)
        w.add_tensor(gguf_name(hf), np.ascontiguousarray(data))
    write(w)
    ids = torch.tensor([[5, 17, 3, 42, 8, 8, 61, 0, 29, 33, 12, 50]])
    with torch.no_grad():
        logits = model(input_ids=ids).logits[0]
    save_file({"input_ids": ids[0].to(torch.float32), "logits": logits.contiguous()},
              os.path.join(OUT, name + ".safetensors"))


SMOLLM2 = "SmolLM2-135M-Instruct.Q4_1.gguf"


def smollm2_fixture():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    folder = os.path.join(cache, "treepo", "models")
    if not os.path.exists(os.path.join(folder, SMOLLM2)):
        print(f"skipping smollm2_tensors: {SMOLLM2} is not in {folder}")
        return
    from transformers import AutoModelForCausalLM
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=SMOLLM2, dtype=torch.float32)
    out = {}
    for name, tensor in model.state_dict().items():
        if name == "lm_head.weight" and model.config.tie_word_embeddings:
            continue
        flat = tensor.detach().to(torch.float64).reshape(-1)
        n = flat.numel()
        picks = [(i * 2654435761 + 17) % n for i in range(8)]
        out[name] = torch.tensor([flat.sum().item(), flat.abs().sum().item()]
                                 + [flat[i].item() for i in picks], dtype=torch.float32)
    save_file(out, os.path.join(OUT, "smollm2_tensors.safetensors"))


def main():
    os.makedirs(OUT, exist_ok=True)
    smollm2_fixture()
    dequant_fixture(os.path.join(OUT, "dequant.gguf"))
    torch.manual_seed(7)
    llama = LlamaForCausalLM(LlamaConfig(
        vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
        rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=False)).eval()
    model_fixture("llama_tiny", llama, "llama", permuted=True)
    torch.manual_seed(8)
    qwen = Qwen2ForCausalLM(Qwen2Config(
        vocab_size=64, hidden_size=32, intermediate_size=48, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
        rms_norm_eps=1e-6, rope_theta=1000000.0, tie_word_embeddings=True)).eval()
    # Biases are zero at init: make them matter.
    with torch.no_grad():
        for layer in qwen.model.layers:
            for proj in (layer.self_attn.q_proj, layer.self_attn.k_proj, layer.self_attn.v_proj):
                proj.bias.normal_(0, 0.5)
    model_fixture("qwen2_tiny", qwen, "qwen2", permuted=False)


if __name__ == "__main__":
    main()
