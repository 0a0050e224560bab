#!/usr/bin/env python3
"""Golden fixtures for the engine, produced once with PyTorch + transformers (outside CI).

Regenerate (from the repository root):
    scripts/setup-peers.sh                      # creates .venv-peers (torch 2.13 CPU, transformers)
    TREEPO_WRITE_ENGINE_FIXTURE=1 swift test --filter writeEngineSavedFixture   # engine_saved/model
    .venv-peers/bin/python scripts/golden/make_fixtures.py

Writes, under Tests/TreePOEngineTests/Fixtures/golden/:
  <case>/model/
      a tiny LlamaForCausalLM saved by save_pretrained (safetensors, float32), plus a character
      tokenizer.json written by the `tokenizers` library
  <case>/expected.safetensors
      input_ids [B,T], lengths [B], logits [B,T,V], loss [], losses [4] (loss before each of 3
      AdamW steps and after the last), every gradient as grad.<hf name>, every parameter after
      3 AdamW steps as step3.<hf name>
  engine_saved/hf_logits.safetensors
      the folder the ENGINE saved (engine_saved/model) loaded by transformers and tokenizers:
      input_ids [B,T] (encoded by tokenizers), lengths [B], logits [B,T,V]
Cases: llama_untied (2 layers, 4 heads / 2 KV heads, head_dim 16 ≠ hidden/heads) and llama_tied
(1 layer, tied embedding). B = 2 sequences of lengths 8 and 5, right-padded with id 0 (labels -100).
Loss: mean cross-entropy over the valid next-token targets (HF's shifted labels).
AdamW: lr 1e-3, betas (0.9, 0.95), eps 1e-8, weight decay 0.1 on tensors with >= 2 dims only.
Rerunning reproduces every value bit for bit (checked); only the order of the safetensors metadata
keys may change, as the library writes them from a hash map.
Integers are stored as F32 (exact below 2^24) so the engine's reader needs no integer dtypes.
"""
import json
import os
import sys

import torch
import tokenizers
import transformers
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, pre_tokenizers, decoders
from transformers import LlamaConfig, LlamaForCausalLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
GOLDEN = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "golden")
# CharTokenizer.taskCharacters, ids 1...21 after <pad> = 0.
CHARACTERS = "0123456789 +-*/=()>:$"
LR, BETAS, EPS, WEIGHT_DECAY, STEPS = 1e-3, (0.9, 0.95), 1e-8, 0.1, 3
LENGTHS = [8, 5]


def char_tokenizer():
    """The engine's character vocabulary as a `tokenizers` WordLevel tokenizer."""
    vocab = {"<pad>": 0}
    for i, c in enumerate(CHARACTERS):
        vocab[c] = i + 1
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<pad>"))
    tok.pre_tokenizer = pre_tokenizers.Split(
        tokenizers.Regex("."), behavior="isolated", invert=False)
    tok.decoder = decoders.Fuse()
    tok.add_special_tokens(["<pad>"])
    return tok


def check_tokenizer(tok, where):
    """The tokenizer must encode and decode exactly like the engine's CharTokenizer."""
    text = "6 6 9 0 7>8:9*6=4(0 4 6 7)$"
    ids = tok.encode(text).ids
    expected = [CHARACTERS.index(c) + 1 for c in text]
    assert ids == expected, f"{where}: tokenizers encodes {ids}, engine expects {expected}"
    assert tok.decode(ids) == text, f"{where}: decode gives {tok.decode(ids)!r}"
    assert tok.get_vocab_size() == len(CHARACTERS) + 1
    print(f"  tokenizers check ok: {where} encodes and decodes {text!r} like CharTokenizer")


def make_model(config, seed, cls=LlamaForCausalLM):
    """A model whose weights are large enough that every path matters: matrices N(0, 0.1^2),
    norm gains 1 + N(0, 0.1^2) (HF's default init would make attention nearly uniform)."""
    torch.manual_seed(seed)
    model = cls(config).float()
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() == 1:
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.1 * torch.randn_like(p))
    return model


def batch(vocab, seed):
    g = torch.Generator().manual_seed(seed)
    t = max(LENGTHS)
    ids = torch.zeros(len(LENGTHS), t, dtype=torch.long)
    mask = torch.zeros(len(LENGTHS), t, dtype=torch.long)
    for b, n in enumerate(LENGTHS):
        ids[b, :n] = torch.randint(1, vocab, (n,), generator=g)
        mask[b, :n] = 1
    labels = ids.masked_fill(mask == 0, -100)
    return ids, mask, labels


def f32(x):
    return torch.as_tensor(x, dtype=torch.float32).contiguous()


def make_case(name, config, seed):
    print(f"case {name}")
    folder = os.path.join(GOLDEN, name)
    model_dir = os.path.join(folder, "model")
    model = make_model(config, seed)
    model.config.architectures = ["LlamaForCausalLM"]
    model.save_pretrained(model_dir, safe_serialization=True)
    tok = char_tokenizer()
    tok.save(os.path.join(model_dir, "tokenizer.json"))
    check_tokenizer(Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json")), name)

    ids, mask, labels = batch(config.vocab_size, seed + 1)
    names = [n for n, _ in model.named_parameters()]
    out = model(input_ids=ids, attention_mask=mask, labels=labels)
    out.loss.backward()
    expected = {
        "input_ids": f32(ids),
        "lengths": f32(LENGTHS),
        "logits": f32(out.logits.detach()),
        "loss": f32(out.loss.detach()),
    }
    for n, p in model.named_parameters():
        expected["grad." + n] = f32(p.grad)

    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=LR, betas=BETAS, eps=EPS, foreach=False)
    losses = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        losses.append(loss.item())
        loss.backward()
        opt.step()
    with torch.no_grad():
        losses.append(model(input_ids=ids, attention_mask=mask, labels=labels).loss.item())
    expected["losses"] = f32(losses)
    for n, p in model.named_parameters():
        expected["step3." + n] = f32(p.detach())
    save_file(expected, os.path.join(folder, "expected.safetensors"), metadata=versions())
    shown = ", ".join("%.6f" % l for l in losses)
    print(f"  {len(names)} tensors, loss {out.loss.item():.6f}, losses [{shown}]")


def engine_saved():
    """Loads the folder the engine wrote and records transformers' logits for it."""
    folder = os.path.join(GOLDEN, "engine_saved")
    model_dir = os.path.join(folder, "model")
    if not os.path.exists(os.path.join(model_dir, "config.json")):
        sys.exit(f"{model_dir} is missing: run "
                 "TREEPO_WRITE_ENGINE_FIXTURE=1 swift test --filter writeEngineSavedFixture first")
    print("case engine_saved")
    model, info = LlamaForCausalLM.from_pretrained(
        model_dir, dtype=torch.float32, output_loading_info=True)
    problems = {k: v for k, v in info.items() if v}
    assert not problems, f"transformers did not load every tensor exactly: {problems}"
    tok = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    check_tokenizer(tok, "engine_saved")
    auto = transformers.AutoTokenizer.from_pretrained(model_dir)
    assert auto.pad_token_id == 0 and auto.eos_token_id == CHARACTERS.index("$") + 1
    texts = ["6 6 9 0>8:9*6=4", "1 2>3:"]
    encoded = [tok.encode(t).ids for t in texts]
    t = max(len(e) for e in encoded)
    ids = torch.zeros(len(texts), t, dtype=torch.long)
    mask = torch.zeros(len(texts), t, dtype=torch.long)
    for b, e in enumerate(encoded):
        ids[b, :len(e)] = torch.tensor(e)
        mask[b, :len(e)] = 1
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits
    meta = versions()
    meta["texts"] = json.dumps(texts)
    save_file({"input_ids": f32(ids), "lengths": f32([len(e) for e in encoded]),
               "logits": f32(logits)}, os.path.join(folder, "hf_logits.safetensors"), metadata=meta)
    count = len(list(model.parameters()))
    print(f"  transformers loaded all {count} tensors; logits {list(logits.shape)}")


def versions():
    return {"torch": torch.__version__, "transformers": transformers.__version__,
            "tokenizers": tokenizers.__version__}


def main():
    torch.set_num_threads(1)
    common = dict(vocab_size=32, hidden_size=32, intermediate_size=48, num_attention_heads=4,
                  num_key_value_heads=2, head_dim=16, rope_theta=10000.0, rms_norm_eps=1e-5,
                  max_position_embeddings=64, bos_token_id=None, eos_token_id=21, pad_token_id=0,
                  attn_implementation="eager")
    make_case("llama_untied",
              LlamaConfig(num_hidden_layers=2, tie_word_embeddings=False, **common), seed=1)
    make_case("llama_tied",
              LlamaConfig(num_hidden_layers=1, tie_word_embeddings=True, **common), seed=2)
    engine_saved()


if __name__ == "__main__":
    main()
