#!/usr/bin/env python3
"""Golden fixtures for Hugging Face folders beyond the engine's own (outside CI, like
make_fixtures.py, whose helpers this reuses).

Regenerate (from the repository root):
    .venv-peers/bin/python scripts/golden/make_hf_fixtures.py

Writes, under Tests/TreePOEngineTests/Fixtures/golden/<case>/:
  model/                 saved by transformers' save_pretrained (plus the character tokenizer.json)
  expected.safetensors   input_ids [B,T], lengths [B], logits [B,T,V], loss [], every gradient as
                         grad.<hf name>; all computed in float32 from the weights as saved
Cases:
  qwen2_biases   Qwen2ForCausalLM (q/k/v biases, not named in config.json), tied embedding,
                 2 layers; generation_config.json lists two EOS ids [21, 5]
  llama_bf16     LlamaForCausalLM saved in bfloat16 (the reference runs in float32 on the
                 bf16-rounded weights, which is what the engine reads)
  llama_sharded  LlamaForCausalLM, untied, saved in shards of <= 20 kB with
                 model.safetensors.index.json
The batch, loss and tokenizer are make_fixtures.py's (B = 2, lengths 8 and 5, mean cross-entropy).
"""
import os

import torch
from safetensors.torch import save_file
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM, Qwen2Config
from transformers import Qwen2ForCausalLM

from make_fixtures import GOLDEN, LENGTHS, batch, char_tokenizer, f32, make_model, versions


def save_case(name, model, save_kwargs, generation=None):
    print(f"case {name}")
    folder = os.path.join(GOLDEN, name)
    model_dir = os.path.join(folder, "model")
    model.config.architectures = [type(model).__name__]
    model.save_pretrained(model_dir, **save_kwargs)
    if generation is not None:
        generation.save_pretrained(model_dir)
    char_tokenizer().save(os.path.join(model_dir, "tokenizer.json"))
    # The reference is the folder as saved, read back in float32 (bf16 rounding included).
    reference = type(model).from_pretrained(model_dir, dtype=torch.float32)
    ids, mask, labels = batch(model.config.vocab_size, seed=7)
    out = reference(input_ids=ids, attention_mask=mask, labels=labels)
    out.loss.backward()
    expected = {
        "input_ids": f32(ids),
        "lengths": f32(LENGTHS),
        "logits": f32(out.logits.detach()),
        "loss": f32(out.loss.detach()),
    }
    for n, p in reference.named_parameters():
        expected["grad." + n] = f32(p.grad)
    save_file(expected, os.path.join(folder, "expected.safetensors"), metadata=versions())
    files = sorted(os.listdir(model_dir))
    print(f"  {len(list(reference.parameters()))} tensors, loss {out.loss.item():.6f}, {files}")


def main():
    torch.set_num_threads(1)
    common = dict(vocab_size=32, hidden_size=32, intermediate_size=48, num_attention_heads=4,
                  num_key_value_heads=2, rms_norm_eps=1e-6, max_position_embeddings=64,
                  bos_token_id=None, eos_token_id=21, pad_token_id=0, attn_implementation="eager")
    qwen = make_model(Qwen2Config(num_hidden_layers=2, tie_word_embeddings=True,
                                  rope_theta=1000000.0, **common), seed=3, cls=Qwen2ForCausalLM)
    assert qwen.model.layers[0].self_attn.q_proj.bias is not None
    save_case("qwen2_biases", qwen, {},
              generation=GenerationConfig(eos_token_id=[21, 5], pad_token_id=0))
    bf16 = make_model(LlamaConfig(num_hidden_layers=1, tie_word_embeddings=False, head_dim=16,
                                  rope_theta=500000.0, **common), seed=4)
    save_case("llama_bf16", bf16.to(torch.bfloat16), {})
    sharded = make_model(LlamaConfig(num_hidden_layers=2, tie_word_embeddings=False,
                                     **common), seed=5)
    save_case("llama_sharded", sharded, {"max_shard_size": 20_000})


if __name__ == "__main__":
    main()
