#!/usr/bin/env python3
"""A tiny random-weight chat model for tests of the explorer and the arith task on BPE text.

Regenerate (from the repository root):
    .venv-peers/bin/python scripts/golden/make_tiny_chat_fixture.py

Writes the Hugging Face folder Tests/TreePOEngineTests/Fixtures/tiny-chat-llama/:
  config.json, generation_config.json, model.safetensors
      LlamaForCausalLM, 2 layers, hidden 32, 4 heads / 2 KV heads, FFN 64, 256 positions, tied
      embedding, float32, random weights (seed 0) with a wider initialisation than the default so
      that the next-token entropy varies from position to position (branching has something to
      follow); EOS is <|im_end|>.
  tokenizer.json
      byte-level BPE trained here with `tokenizers` (256 byte tokens + 400 merges + 3 special
      tokens) on worded arithmetic written below, with SmolLM2's pre-tokenizer (every digit
      alone, then the GPT-2 regex), so numbers split as they do for SmolLM2.
  tokenizer_config.json
      ChatML template with a default system prompt (the SmolLM2 layout), eos <|im_end|>.
The weights are random: the model writes byte soup, often cut inside a UTF-8 sequence, which is
what the explorer's text rendering must survive.
"""
import json
import os
import random

import torch
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "tiny-chat-llama")
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
MERGES = 400
PROSE = """the model reads a question and writes its reasoning one segment at a time while the tree
grows branches where the next word is uncertain and every finished path is checked by a verifier
that looks for the last number in the reply counting apples pencils marbles stickers friends
teacher garden market morning evening kitchen library children brother sister together each
every because therefore first second third finally answer result total altogether remaining
left gives takes shares equally between among groups rows columns hours minutes weeks dollars
cents price cost bought sold spent saved earned half double twice quarter small large quickly
carefully explains steps simple clear correct wrong maybe think start check again"""
SYSTEM = "You are a tiny test model."
TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\n" + SYSTEM + "<|im_end|>\\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")


def corpus(rng):
    """Questions and answers of the kind the arith task asks, written for this script."""
    names = ["Tom", "Ann", "Sam", "Lea", "Max", "Ivy"]
    things = ["apples", "pens", "cards", "coins", "books", "shells"]
    out = []
    for _ in range(3000):
        a, b = rng.randint(0, 99), rng.randint(0, 99)
        kind = rng.randrange(5)
        if kind == 0:
            q, r = f"What is {a} + {b}?", f"{a} + {b} = {a + b}. The answer is {a + b}."
        elif kind == 1:
            q, r = f"What is {a} minus {b}?", f"{a} - {b} = {a - b}, so the answer is {a - b}."
        elif kind == 2:
            q, r = f"What is {a} times {b}?", f"{a} × {b} = {a * b}.\nAnswer: {a * b}"
        else:
            n, t = rng.choice(names), rng.choice(things)
            q = f"{n} has {a} {t}. {n} buys {b} more. How many {t} does {n} have now?"
            r = f"{n} had {a} {t} and bought {b} more, so {n} has {a + b} {t} in total."
        out += [q, r]
    # Plain prose, so that the merges reach beyond the arithmetic words.
    words = PROSE.split()
    for _ in range(2000):
        k = rng.randint(4, 12)
        out.append(" ".join(rng.choice(words) for _ in range(k)).capitalize() + ".")
    return out


def train_tokenizer(texts):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True),
         pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    trainer = trainers.BpeTrainer(
        vocab_size=len(SPECIAL) + len(alphabet) + MERGES, special_tokens=SPECIAL,
        initial_alphabet=alphabet, show_progress=False)
    tok.train_from_iterator(texts, trainer)
    return tok


def main():
    rng = random.Random(0)
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    tok = train_tokenizer(corpus(rng))
    tok.save(os.path.join(OUT, "tokenizer.json"))
    vocab = tok.get_vocab_size()
    eos = tok.token_to_id("<|im_end|>")
    with open(os.path.join(OUT, "tokenizer_config.json"), "w") as f:
        json.dump({"chat_template": TEMPLATE, "eos_token": "<|im_end|>",
                   "bos_token": None, "pad_token": "<|endoftext|>",
                   "tokenizer_class": "PreTrainedTokenizerFast"}, f, indent=2)
    config = LlamaConfig(
        vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
        rms_norm_eps=1e-5, tie_word_embeddings=True, bos_token_id=None, eos_token_id=eos,
        pad_token_id=tok.token_to_id("<|endoftext|>"), initializer_range=0.3)
    model = LlamaForCausalLM(config).float()
    model.config.architectures = ["LlamaForCausalLM"]
    model.save_pretrained(OUT)
    GenerationConfig(eos_token_id=eos, bos_token_id=None).save_pretrained(OUT)
    # Sanity: the chat prompt round-trips through the tokenizer.
    prompt = f"<|im_start|>system\n{SYSTEM}<|im_end|>\n<|im_start|>user\nWhat is 7 × 8?<|im_end|>\n"
    ids = tok.encode(prompt).ids
    assert tok.decode(ids, skip_special_tokens=False) == prompt, "round trip"
    sizes = {f: os.path.getsize(os.path.join(OUT, f)) for f in sorted(os.listdir(OUT))}
    print(f"vocab {vocab}, eos {eos}, prompt {len(ids)} tokens, files {sizes}, "
          f"total {sum(sizes.values())} bytes")


if __name__ == "__main__":
    main()
