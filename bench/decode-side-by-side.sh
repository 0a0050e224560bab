#!/bin/sh
# The measurements of docs/benchmarks.md "Decode on SmolLM2", in one run: memory read bandwidth,
# batch-1 decode per weight format with its fraction of that bandwidth, then PASSES alternated
# passes of tree sampling (treepo bench tree, bf16 and fp32) against transformers generate and
# llama.cpp (llama-cpp-python) on the same prompt ids and length, so load hits them alike.
#   bench/decode-side-by-side.sh [PASSES]      (release build; .venv-peers with llama-cpp-python)
# THREADS (2), LENGTH (new tokens per path, 128), PYTHON (.venv-peers/bin/python) override.
# The peers also run on one thread: on a loaded machine their OpenMP workers at 2 threads spin at
# every barrier while the other is descheduled (llama.cpp fell to 3 tokens/s, transformers did
# not finish one pass in 19 minutes at load ≈ 16; docs/benchmarks.md).
set -eu
cd "$(dirname "$0")/.."
PASSES="${1:-3}"
T="${THREADS:-2}"
L="${LENGTH:-128}"
PY="${PYTHON:-.venv-peers/bin/python}"
TREEPO=.build/release/treepo
PROMPTS=$(mktemp /tmp/treepo-tree-prompts.XXXXXX)
trap 'rm -f "$PROMPTS"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) vCPU," \
  "OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}, load $(load)"
$TREEPO bench memory --threads "$T" --repeats 5
$TREEPO bench decode --model smollm2-135m --sequences 1 --prompt 16 --tokens 64 --threads "$T" \
  --repeats 3 --decode-weights fp32,bf16,q8_0 --bandwidth
for pass in $(seq "$PASSES"); do
  echo "## pass $pass, load $(load)"
  $TREEPO bench tree --prompts 4 --n 16 --tree-max-token-per-step 16 \
    --tree-max-depth $((L / 16)) --response-length "$L" --threads "$T" --repeats 1 \
    --seed "$pass" --decode-weights bf16,fp32 --save-prompts "$PROMPTS"
  for t in 1 "$T"; do
    "$PY" bench/peers/hf_generate.py --prompts "$PROMPTS" --prompt-count 1 --batch 16 \
      --threads "$t" --repeats 1 --warmup 0 2>/dev/null
    "$PY" bench/peers/llamacpp_generate.py --prompts "$PROMPTS" --streams 4 --threads "$t" \
      --repeats 1 --warmup 1
  done
done
