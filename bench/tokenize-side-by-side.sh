#!/bin/sh
# Tokenizer throughput benchmark: treepo's BPE and Hugging Face tokenizers (Rust) alternated on
# the same 10 MB of mixed text with SmolLM2's tokenizer, so both see the same machine load.
# Usage: bench/tokenize-side-by-side.sh [ROUNDS]   (default 3). Needs the model installed
# (treepo models get smollm2-135m) or GGUF=path; PYTHON defaults to .venv-peers/bin/python.
# Build first: swift build -c release --product treepo.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv-peers/bin/python}"
ROUNDS="${1:-3}"
BIN="$(swift build -c release --show-bin-path)/treepo"
GGUF="${GGUF:-${XDG_CACHE_HOME:-$HOME/.cache}/treepo/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
TEXT="$(mktemp)"
trap 'rm -f "$TEXT"' EXIT
"$PYTHON" bench/peers/hf_tokenize.py make-text "$TEXT" --mb 10
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(lscpu | sed -n 's/^Model name: *//p') load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  "$BIN" bench tokenize --model "$GGUF" --text "$TEXT" --repeats 3
  RAYON_NUM_THREADS=2 "$PYTHON" bench/peers/hf_tokenize.py run --gguf "$GGUF" --text "$TEXT" \
    --repeats 3
done
echo "# end $(date -u +%H:%MZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
