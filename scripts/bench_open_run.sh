#!/usr/bin/env bash
# Open a big run: time from start to the first screen, and peak RSS, of `treepo replay RUN`.
#
#   scripts/bench_open_run.sh [--cold] [--moves] RUN [runs]
#
# RUN is a multi-step trace or a folder of step traces (e.g. a 1 GB synthetic verl dump imported
# with `treepo import verl`, or a run of huge steps from scripts/make_big_step_run.py: see
# docs/benchmarks.md, "Open a 1 GB run"). Each run starts the release binary in a private tmux
# server under /usr/bin/time, polls the pane every 10 ms until the status bar names the first step
# ("step N (1/"), then quits with q and reads the peak RSS. Prints each run and the medians. The
# time includes starting tmux and the binary's re-exec (~tens of ms). A run over 64 MB opens at
# its first step and indexes the rest between keys: the time until the status bar says "indexed
# the whole run" is printed too.
#
# --cold: before each timed action the trace's pages are dropped from the page cache (no root
#   needed: `sync`, then posix_fadvise(POSIX_FADV_DONTNEED) on every trace file); `fincore`
#   prints how much of the files stayed cached, so a failed eviction shows.
# --moves: after the first screen, also time `]` (the next step shown) and, in the batch list
#   (Tab), `j` (the next prompt's tree shown), each until the status bar says so.
set -euo pipefail
cold=false
moves=false
while [[ ${1:-} == --* ]]; do
  case $1 in
    --cold) cold=true ;;
    --moves) moves=true ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
run=${1:?usage: scripts/bench_open_run.sh [--cold] [--moves] RUN [runs]}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
binary="$(cd "$root" && swift build -c release --show-bin-path)/treepo"
socket="treepo-bench-open-$$"
scratch=$(mktemp -d)
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$scratch"' EXIT
if [ -d "$run" ]; then
  mapfile -t files < <(find "$run" -name '*.jsonl' -type f)
else
  files=("$run")
fi

# Drops the trace from the page cache and prints what stayed resident.
evict() {
  $cold || return 0
  sync
  python3 -c 'import os, sys
for p in sys.argv[1:]:
    fd = os.open(p, os.O_RDONLY)
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)' "${files[@]}"
  local resident
  resident=$(fincore -b -n -o RES "${files[@]}" | awk '{s += $1} END {print s}')
  printf '  (evicted: %d MB of the trace still cached)\n' "$((resident / 1000000))"
}

pane() { tmux -L "$socket" capture-pane -p -t b; }
now() { date +%s.%N; }
# Polls until the pane matches the extended regex $1; prints the seconds since $2.
wait_for() {
  until pane | grep -Eq "$1"; do sleep 0.01; done
  echo "$(now) - $2" | bc -l
}

times=()
rss=()
cpus=()
switches=()
trees=()
wholes=()
for i in $(seq "$runs"); do
  rm -f "$scratch/time.txt"
  evict
  start=$(now)
  # (Retried: the previous run's server may still be exiting.)
  until tmux -L "$socket" -f /dev/null new-session -d -s b -x 120 -y 40 \
    "/usr/bin/time -v -o $scratch/time.txt $binary replay $run; sleep 600" 2>/dev/null; do
    sleep 0.05
  done
  seconds=$(wait_for "step [0-9]* \(1/" "$start")
  line="run $i: first screen $(printf %.2f "$seconds") s"
  if [ "$(du -sb "$run" | cut -f1)" -gt $((64 << 20)) ]; then
    whole=$(wait_for "indexed the whole run" "$start")
    wholes+=("$whole")
    line+=", whole run indexed $(printf %.2f "$whole") s"
  fi
  if $moves; then
    evict
    t=$(now)
    tmux -L "$socket" send-keys -t b ']'
    switch=$(wait_for "step [0-9]* \(2/" "$t")
    # In the batch list, j shows the next prompt in its order: wait for the status bar's
    # "prompt I (P/" to change.
    tmux -L "$socket" send-keys -t b Tab
    sleep 0.3
    before=$(pane | grep -Eo 'prompt [0-9]+ \([0-9]+/' | head -1)
    evict
    t=$(now)
    tmux -L "$socket" send-keys -t b j
    until after=$(pane | grep -Eo 'prompt [0-9]+ \([0-9]+/' | head -1) && [ -n "$after" ] \
      && [ "$after" != "$before" ]; do sleep 0.01; done
    tree=$(echo "$(now) - $t" | bc -l)
    switches+=("$switch")
    trees+=("$tree")
    line+=", next step $(printf %.2f "$switch") s, next tree $(printf %.3f "$tree") s"
  fi
  tmux -L "$socket" send-keys -t b q
  until [ -s "$scratch/time.txt" ] && grep -q "Maximum resident" "$scratch/time.txt"; do
    sleep 0.05
  done
  tmux -L "$socket" kill-server
  sleep 0.2
  kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$scratch/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$scratch/time.txt")
  printf '%s, peak RSS %d MB, CPU (user+sys, whole process) %.2f s\n' \
    "$line" "$((kb / 1024))" "$cpu"
  times+=("$seconds")
  rss+=("$((kb / 1024))")
  cpus+=("$cpu")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
size=$(du -sb "$run" | cut -f1)
printf 'run: %s (%d MB, %s cache); median first screen %.2f s, median peak RSS %s MB, ' \
  "$run" "$((size / 1000000))" "$($cold && echo cold || echo warm)" "$(median "${times[@]}")" \
  "$(median "${rss[@]}")"
printf 'median CPU %.2f s' "$(median "${cpus[@]}")"
if [ ${#wholes[@]} -gt 0 ]; then
  printf ', median whole run indexed %.2f s' "$(median "${wholes[@]}")"
fi
if $moves; then
  printf ', median next step %.2f s, median next tree %.3f s' "$(median "${switches[@]}")" \
    "$(median "${trees[@]}")"
fi
printf ' (of %d runs; load average %s)\n' "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
