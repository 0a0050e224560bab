#!/bin/sh
# The trace reader's fuzz test, longer than `make test`'s 20,000 inputs: mutated real traces through
# the reader and the JSON parser, each answer events or one sentence naming the file and line.
# Usage: bench/fuzz-trace.sh [INPUTS] [SEED]   (defaults: 1,000,000 inputs, seed from the clock)
set -eu
cd "$(dirname "$0")/.."
INPUTS="${1:-1000000}"
SEED="${2:-$(date +%s)}"
echo "# $(date -u +%Y-%m-%dT%H:%MZ) inputs $INPUTS seed $SEED (replay a failure with this seed)"
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
status=0
TREEPO_FUZZ_INPUTS="$INPUTS" TREEPO_FUZZ_SEED="$SEED" \
  swift test -c release --filter traceReaderSurvivesMutatedTraces > "$LOG" 2>&1 || status=$?
grep -E "trace fuzz|✘|error" "$LOG" || true
exit "$status"
