#!/bin/sh
# Training-step benchmark, treepo and the PyTorch peer alternated so both see the same machine
# load. Usage: bench/train-side-by-side.sh [ROUNDS] [THREADS...]   (defaults: 3 rounds, 1 and 2)
# PYTHON selects the interpreter with torch + transformers (default .venv-peers/bin/python, made
# by scripts/setup-peers.sh). Build first: swift build -c release --product treepo.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv-peers/bin/python}"
ROUNDS="${1:-3}"
[ $# -gt 0 ] && shift
THREADS="${*:-1 2}"
BIN="$(swift build -c release --show-bin-path)/treepo"
WEIGHTS="$(mktemp -d)"
trap 'rm -rf "$WEIGHTS"' EXIT
"$BIN" bench train --repeats 1 --warmup 0 --save-weights "$WEIGHTS" > /dev/null
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(lscpu | sed -n 's/^Model name: *//p') load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    "$BIN" bench train --threads "$t" --repeats 5
    # Passive OpenMP waiting: on a loaded machine torch's spinning worker threads otherwise
    # starve each other (observed: 39 s per step with 2 threads instead of ~0.4 s).
    OMP_WAIT_POLICY=PASSIVE "$PYTHON" bench/peers/torch_llama.py train --threads "$t" \
      --repeats 5 --weights "$WEIGHTS" 2>/dev/null
  done
done
echo "# end $(date -u +%H:%MZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
