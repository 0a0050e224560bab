#!/usr/bin/env python3
# Explorer frame time with long paths, two builds side by side in one run: for each path length,
# `BEFORE bench render-paths` then `AFTER bench render-paths` (same harness, same synthetic tree),
# alternating so both see the same machine load. Prints one markdown table: per length, size and
# selection, the median and worst frame of each build (wall ms) and the ratio of the medians.
# Usage: bench/render-paths-side-by-side.py BEFORE_BINARY AFTER_BINARY [--frames N] [--text bpe]
import os, subprocess, sys

if len(sys.argv) < 3:
    raise SystemExit("usage: render-paths-side-by-side.py BEFORE AFTER [bench render-paths options]")
before, after, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
lengths = ["1000", "4000", "16000", "64000"]


def run(binary, tokens, more=()):
    out = subprocess.run(
        [binary, "bench", "render-paths", "--tokens", tokens, *extra, *more],
        capture_output=True, text=True, check=True).stdout
    rows = {}
    for line in out.splitlines()[1:]:
        t, size, sel, *times = line.split("\t")
        rows[(t, size, sel)] = tuple(float(x) for x in times)
    return rows


print("load average before: %.2f %.2f %.2f" % os.getloadavg())
print()
print("| path tokens | size | selected | before median | before worst | after median | "
      "after worst (CPU) | after first | before/after |")
print("|---:|---|---|---:|---:|---:|---:|---:|---:|")
scroll = {}
for tokens in lengths:
    b = run(before, tokens)
    a = run(after, tokens, ["--scroll"])
    for key in b:
        bf, bm, bw, _, _ = b[key]
        af, am, aw, _, awc = a[key]
        print("| %s | %s | %s | %.2f ms | %.2f ms | %.3f ms | %.3f ms (%.3f) | %.3f ms | %.1f× |"
              % (key[0], key[1], key[2], bm, bw, am, aw, awc, af, bm / am))
    for key, v in a.items():
        if key[2] == "leaf,u":
            scroll[key] = v
print()
print("after only, paging up (u) through the deep leaf's path, handle + render per page:")
for key, (f, m, w, c, wc) in sorted(scroll.items(), key=lambda kv: (int(kv[0][0]), kv[0][1])):
    print("  %s tokens %s: median %.3f ms, worst %.3f ms (CPU %.3f ms)"
          % (key[0], key[1], m, w, wc))
print()
print("load average after: %.2f %.2f %.2f" % os.getloadavg())
