#!/usr/bin/env python3
# Explorer latency and idle CPU, measured through tmux like a user: starts the live explorer
# (--batch-size 4 --n 16) on the bundled model, reads the process CPU ticks over 5 s idle, then
# runs a batch and, while each of 3 PPO steps runs on the engine thread, sends `c` (cycle the
# colouring) and times until tmux shows the Path pane's new title. Usage: bench/explorer-ui.py BINARY
# (the timing includes tmux capture-pane polling, so it is an upper bound).
import subprocess, time, os, sys
B = sys.argv[1]
S = "bench%d" % os.getpid()
def tm(*a): return subprocess.run(["tmux","-L",S]+list(a),capture_output=True,text=True).stdout
def screen(): return tm("capture-pane","-p")
os.makedirs("/tmp/benchui",exist_ok=True)
subprocess.run(["tmux","-L",S,"-f","/dev/null","new-session","-d","-s","s","-x","100","-y","32","-e","LANG=C.UTF-8",
  "cd /tmp/benchui && exec %s --batch-size 4 --n 16" % B])
def wait(pred, timeout=120):
    t0=time.time()
    while time.time()-t0<timeout:
        s=screen()
        if pred(s): return time.time()-t0, s
        time.sleep(0.002)
    raise SystemExit("timeout")
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
