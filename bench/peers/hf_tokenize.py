#!/usr/bin/env python3
"""Hugging Face `tokenizers` (Rust) on the same text as `treepo bench tokenize`.

    hf_tokenize.py make-text OUT [--mb 10]        # the mixed benchmark text (deterministic)
    hf_tokenize.py run --gguf FILE --text FILE [--repeats 5]

`run` builds SmolLM2's tokenizer from the GGUF metadata exactly as
scripts/golden/make_tokenizer_fixtures.py does (Digits + ByteLevel pre-tokenizer) and prints the
token count and the same id checksum as treepo, then encode CPU time for: one `encode` call on
the whole text (single-threaded, as treepo), and `encode_batch` over its lines with
RAYON_NUM_THREADS threads (the library's parallel path).
"""
import argparse
import os
import random
import sys
import sysconfig
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "scripts", "golden"))


def make_text(out, mb):
    """~60% Python source (code, comments, docstrings: English), ~40% the golden strings'
    mix (numbers, whitespace, accents, CJK, emoji, chat markup)."""
    from make_tokenizer_fixtures import random_string
    target = int(mb * 1e6)
    parts, size = [], 0
    lib = sysconfig.get_paths()["stdlib"]
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(lib) for f in fs if f.endswith(".py"))
    for path in files:
        if size >= target * 0.6:
            break
        with open(path, encoding="utf-8", errors="replace") as f:
            s = f.read()
        parts.append(s)
        size += len(s.encode())
    rng = random.Random(10)
    while size < target:
        s = random_string(rng) + rng.choice(["\n", " ", "\n\n"])
        parts.append(s)
        size += len(s.encode())
    text = "".join(parts).encode()[:target].decode("utf-8", errors="ignore")
    with open(out, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def run(gguf_path, text_path, repeats):
    import make_tokenizer_fixtures
    from make_tokenizer_fixtures import smollm2
    make_tokenizer_fixtures.GGUF = gguf_path
    tok, _ = smollm2()
    # newline="": no universal-newline translation, the bytes treepo reads.
    with open(text_path, encoding="utf-8", newline="") as f:
        text = f.read()
    lines = text.splitlines(keepends=True)
    single, batch, batch_cpu = [], [], []
    for _ in range(repeats):
        t = time.process_time()
        ids = tok.encode(text, add_special_tokens=False).ids
        single.append(time.process_time() - t)
        w, t = time.perf_counter(), time.process_time()
        tok.encode_batch(lines, add_special_tokens=False)
        batch.append(time.perf_counter() - w)
        batch_cpu.append(time.process_time() - t)
    checksum = 0
    for i in ids:
        checksum = (checksum * 1000003 + i) % (1 << 64)
    mb = len(text.encode()) / 1e6
    med = lambda xs: sorted(xs)[len(xs) // 2]
    print(f"hf tokenizers {__import__('tokenizers').__version__}: {mb:.2f} MB, {len(ids)} tokens, "
          f"checksum {checksum}; encode (one call) median CPU {med(single):.3f} s "
          f"({mb / med(single):.2f} MB/s); encode_batch of {len(lines)} lines, "
          f"{os.environ.get('RAYON_NUM_THREADS', 'all')} threads, median wall {med(batch):.3f} s "
          f"({mb / med(batch):.2f} MB/s), CPU {med(batch_cpu):.3f} s")


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    m = sub.add_parser("make-text")
    m.add_argument("out")
    m.add_argument("--mb", type=float, default=10)
    r = sub.add_parser("run")
    r.add_argument("--gguf", required=True)
    r.add_argument("--text", required=True)
    r.add_argument("--repeats", type=int, default=5)
    a = p.parse_args()
    if a.cmd == "make-text":
        make_text(a.out, a.mb)
    else:
        run(a.gguf, a.text, a.repeats)


if __name__ == "__main__":
    main()
