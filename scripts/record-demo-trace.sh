#!/bin/sh
# Records Assets/traces/demo.jsonl, the trace `treepo replay` demos and the end-to-end tests open:
# one real TreePO batch of the bundled model (3 held-out Countdown problems of 4 numbers, n = 8,
# seed 7), written by `treepo sample --trace`. Re-run it when the model or the trace format
# changes; the tests read the event count and prompts from the file, so they follow.
#   scripts/record-demo-trace.sh          (builds the release binary first)
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product treepo >/dev/null
out=Assets/traces/demo.jsonl
tmp="$out.tmp-$$"
trap 'rm -f "$tmp"' EXIT
.build/release/treepo sample --prompts 3 --n 8 --sizes 4 --seed 7 --threads 1 --trace "$tmp"
mv "$tmp" "$out"
echo "wrote $out ($(($(wc -l <"$out") - 1)) events)"
