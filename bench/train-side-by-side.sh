#!/bin/sh
# Training-step benchmark, treepo and the PyTorch peer alternated so both see the same machine
# load. Usage: bench/train-side-by-side.sh [ROUNDS] [THREADS...]   (defaults: 3 rounds, 1 and 2)
# PYTHON selects the interpreter with torch + transformers (default .venv-peers/bin/python, made
# by scripts/setup-peers.sh). Build first: swift build -c release --product treepo.
#
# Both train the same weights on the same batch (token ids written by treepo, read by the peer);
# the script stops unless their losses before the first update agree within 1e-4. PyTorch runs
# as users run it (engine=torch, OpenMP's default waiting policy); the line after it
# (engine=torch_omp_passive) is the same run with OMP_WAIT_POLICY=PASSIVE, for comparison only.
set -eu
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv-peers/bin/python}"
ROUNDS="${1:-3}"
[ $# -gt 0 ] && shift
THREADS="${*:-1 2}"
BIN="$(swift build -c release --show-bin-path)/treepo"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
WEIGHTS="$TMP/weights"
BATCH="$TMP/batch.json"
PEER="bench/peers/torch_llama.py"

loss0() { sed -n 's/.* loss0=\([^ ]*\) .*/\1/p' "$1"; }
"$BIN" bench train --repeats 1 --warmup 0 --save-weights "$WEIGHTS" --save-batch "$BATCH" \
  > "$TMP/treepo.txt"
"$PYTHON" "$PEER" train --repeats 1 --warmup 0 --weights "$WEIGHTS" --batch-file "$BATCH" \
  > "$TMP/torch.txt" 2>/dev/null
ours="$(loss0 "$TMP/treepo.txt")"
theirs="$(loss0 "$TMP/torch.txt")"
if ! awk -v a="$ours" -v b="$theirs" 'BEGIN { d = a - b; exit !(a != "" && b != "" && d <= 1e-4 && d >= -1e-4) }'; then
  echo "step-0 losses differ: treepo $ours, torch $theirs (same weights and batch)" >&2
  exit 1
fi
echo "# same batch: step-0 loss treepo $ours, torch $theirs"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(lscpu | sed -n 's/^Model name: *//p') OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset} load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    "$BIN" bench train --threads "$t" --repeats 5
    "$PYTHON" "$PEER" train --threads "$t" --repeats 5 --weights "$WEIGHTS" --batch-file "$BATCH" \
      2>/dev/null
    OMP_WAIT_POLICY=PASSIVE "$PYTHON" "$PEER" train --threads "$t" --repeats 5 \
      --weights "$WEIGHTS" --batch-file "$BATCH" 2>/dev/null \
      | sed 's/engine=torch /engine=torch_omp_passive /'
  done
done
echo "# end $(date -u +%H:%MZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
