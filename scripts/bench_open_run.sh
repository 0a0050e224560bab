#!/usr/bin/env bash
# Open a big run: time from start to the first screen, and peak RSS, of `treepo replay RUN`.
#
#   scripts/bench_open_run.sh RUN [runs]
#
# RUN is a multi-step trace or a folder of step traces (e.g. a 1 GB synthetic verl dump imported
# with `treepo import verl`: see docs/benchmarks.md, "Open a 1 GB run"). Each run starts the release
# binary in a private tmux server under /usr/bin/time, polls the pane every 10 ms until the status
# bar names the first step ("step N (1/"), then quits with q and reads the peak RSS. Prints each
# run and the medians. The time includes starting tmux and the binary's re-exec (~tens of ms).
set -euo pipefail
run=${1:?usage: scripts/bench_open_run.sh RUN [runs]}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
binary="$(cd "$root" && swift build -c release --show-bin-path)/treepo"
socket="treepo-bench-open-$$"
scratch=$(mktemp -d)
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$scratch"' EXIT
times=()
rss=()
cpus=()
for i in $(seq "$runs"); do
  rm -f "$scratch/time.txt"
  start=$(date +%s.%N)
  tmux -L "$socket" -f /dev/null new-session -d -s b -x 120 -y 40 \
    "/usr/bin/time -v -o $scratch/time.txt $binary replay $run; sleep 600"
  until tmux -L "$socket" capture-pane -p -t b | grep -q "step [0-9]* (1/"; do sleep 0.01; done
  end=$(date +%s.%N)
  tmux -L "$socket" send-keys -t b q
  until [ -s "$scratch/time.txt" ] && grep -q "Maximum resident" "$scratch/time.txt"; do
    sleep 0.05
  done
  tmux -L "$socket" kill-server
  seconds=$(echo "$end - $start" | bc -l)
  kb=$(awk -F': ' '/Maximum resident/ {print $2}' "$scratch/time.txt")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$scratch/time.txt")
  printf 'run %d: first screen %.2f s, peak RSS %d MB, CPU (user+sys, whole process) %.2f s\n' \
    "$i" "$seconds" "$((kb / 1024))" "$cpu"
  times+=("$seconds")
  rss+=("$((kb / 1024))")
  cpus+=("$cpu")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
size=$(du -sb "$run" | cut -f1)
printf 'run: %s (%d MB); median first screen %.2f s, median peak RSS %s MB, median CPU %.2f s ' \
  "$run" "$((size / 1000000))" "$(median "${times[@]}")" "$(median "${rss[@]}")" \
  "$(median "${cpus[@]}")"
printf '(of %d runs; load average %s)\n' "$runs" "$(cut -d' ' -f1-3 /proc/loadavg)"
