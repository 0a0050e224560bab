#!/usr/bin/env python3
# Explorer latency and idle CPU, measured through tmux like a user: starts the live explorer
# (--batch-size 4 --n 16) on the bundled model, reads the process CPU ticks over 5 s idle, then
# runs a batch and, while each of 3 PPO steps runs on the engine thread, sends `c` (cycle the
# colouring) and times until tmux shows the Path pane's new title. Usage: bench/explorer-ui.py BINARY
# (the timing includes tmux capture-pane polling, so it is an upper bound).
# With --long-path TOKENS BINARY...: each binary replays a synthetic tree whose deepest path has
# TOKENS tokens (written by the last binary's `bench render-paths --write-trace`) at 120x40, the
# bottom row selected, and the script times key-to-screen for `c`, `j`/`k` and (when the binary
# has them) `u`/`d` paging the Path pane, plus idle CPU: long responses must not slow the UI.
import subprocess, time, os, sys, re
S = "bench%d" % os.getpid()
def tm(*a): return subprocess.run(["tmux","-L",S]+list(a),capture_output=True,text=True).stdout
def screen(): return tm("capture-pane","-p")
os.makedirs("/tmp/benchui",exist_ok=True)

def long_path(tokens, binaries):
    trace = "/tmp/benchui/long%d.jsonl" % tokens
    subprocess.run([binaries[-1], "bench", "render-paths", "--tokens", str(tokens),
                    "--write-trace", trace], check=True)
    print("load average: %.2f %.2f %.2f" % os.getloadavg())
    for b in binaries:
        tm("-f", "/dev/null", "new-session", "-d", "-s", "s", "-x", "120", "-y", "40",
           "-e", "LANG=C.UTF-8", "exec %s replay %s" % (b, trace))
        wait(lambda s: "REPLAY" in s)
        tm("send-keys", "G"); time.sleep(0.5)
        def timed(key, changed, n=10):
            out = []
            for _ in range(n):
                before = screen(); tm("send-keys", key); t = time.time()
                while not changed(before, screen()):
                    if time.time() - t > 10: raise SystemExit("no change after " + key)
                    time.sleep(0.001)
                out.append(time.time() - t)
            return out
        def path_rows(s): return s.splitlines()[36:38]
        def node(s): return re.search(r"node (\d+)", s.splitlines()[-1]).group(1)
        res = {"c": timed("c", lambda a, b: a.split("colour: ")[1][:5] != b.split("colour: ")[1][:5]),
               "j/k": timed("k", lambda a, b: node(a) != node(b), 5)
                      + timed("j", lambda a, b: node(a) != node(b), 5)}
        tm("send-keys", "u"); time.sleep(0.3)
        if "scrolled" in screen() or "u d scroll" in screen():
            res["u/d"] = timed("u", lambda a, b: path_rows(a) != path_rows(b), 5) \
                + timed("d", lambda a, b: path_rows(a) != path_rows(b), 5)
        pid = tm("display", "-p", "#{pane_pid}").strip()
        def ticks():
            f = open("/proc/%s/stat" % pid).read().rsplit(")", 1)[1].split()
            return int(f[11]) + int(f[12])
        t0 = ticks(); time.sleep(3); t1 = ticks()
        print(b)
        for k, v in res.items():
            v = sorted(v)
            print("  key-to-screen %s: n=%d median %.1f ms max %.1f ms"
                  % (k, len(v), 1000 * v[len(v) // 2], 1000 * v[-1]))
        print("  idle CPU over 3 s with the long path on screen: %d ticks" % (t1 - t0))
        tm("send-keys", "q"); time.sleep(0.5); tm("kill-server")
    print("load average: %.2f %.2f %.2f" % os.getloadavg())

def wait(pred, timeout=120):
    t0=time.time()
    while time.time()-t0<timeout:
        s=screen()
        if pred(s): return time.time()-t0, s
        time.sleep(0.002)
    raise SystemExit("timeout")

if sys.argv[1] == "--long-path":
    long_path(int(sys.argv[2]), sys.argv[3:])
    sys.exit(0)
B = sys.argv[1]
subprocess.run(["tmux","-L",S,"-f","/dev/null","new-session","-d","-s","s","-x","100","-y","32","-e","LANG=C.UTF-8",
  "cd /tmp/benchui && exec %s --batch-size 4 --n 16" % B])
wait(lambda s: "LIVE" in s)
pid = tm("display","-p","#{pane_pid}").strip()
def ticks():
    f=open("/proc/%s/stat"%pid).read().rsplit(")",1)[1].split()
    return int(f[11])+int(f[12])
time.sleep(1)
t0=ticks(); time.sleep(5); t1=ticks()
print("idle CPU over 5 s: %.2f%% (%d ticks)" % ((t1-t0)/5.0, t1-t0))
tm("send-keys","r"); wait(lambda s: "─ done ┐" in s, 300)
lat=[]
modes=["probability","advantage","entropy"]
for step in range(1,4):
    tm("send-keys","t"); time.sleep(0.2)
    for k in range(3):
        tm("send-keys","c"); t=time.time()
        want=modes[(len(lat))%3]
        while "colour: "+want not in screen(): time.sleep(0.001)
        d=time.time()-t
        s1=screen()
        training = ("step %d" % step) not in s1
        lat.append((d,training))
    wait(lambda s: ("step %d" % step) in s, 300)
    # a new batch, run to the end, so the next `t` has finished trees to train on
    tm("send-keys","b"); time.sleep(0.5); tm("send-keys","r"); wait(lambda s: "─ done ┐" in s and "PAUSED" in s, 300)
ds=sorted(d for d,tr in lat if tr)
print("key-to-screen while a train step runs: n=%d median %.1f ms max %.1f ms (all: %s)" % (len(ds), 1000*ds[len(ds)//2] if ds else -1, 1000*max(ds) if ds else -1, ["%.0f%s"%(1000*d,"T" if tr else "") for d,tr in lat]))
tm("send-keys","q"); time.sleep(0.5); tm("kill-server")
