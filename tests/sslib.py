"""Shared helpers for sockstep's integration tests.

Each test runs the real sockstep binary on real lesson programs and
compares what it reports with what the kernel (ss, /proc) or the traced
program itself says.  Exit 0 pass, 1 fail, 77 skip, 99 broken harness.
"""
import json
import os
import re
import subprocess
import sys
import time

SOCKSTEP = os.environ.get("SOCKSTEP", "sockstep")
FAILS = []


def check(cond, what):
    """Record a failed assertion with its description; never raises."""
    if not cond:
        FAILS.append(what)
        print("FAIL:", what, file=sys.stderr)
    return cond


def finish():
    if FAILS:
        print(f"{len(FAILS)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("all checks passed")
    sys.exit(0)


def run(args, timeout=60, stdin=None):
    """Run sockstep; return (rc, stdout, stderr)."""
    p = subprocess.run([SOCKSTEP] + args, capture_output=True, text=True,
                       timeout=timeout, input=stdin)
    return p.returncode, p.stdout, p.stderr


def events(out):
    evs = []
    for line in out.splitlines():
        if line.strip():
            evs.append(json.loads(line))
    return evs


def batch_json(args, timeout=60):
    rc, out, err = run(["batch", "--json"] + args, timeout=timeout)
    if rc != 0:
        print(out, err, file=sys.stderr)
    return rc, events(out), err


def calls(evs, side, kind="return"):
    return [e for e in evs if e.get("side") == side and e.get("event") == kind]


def pids(evs):
    return {e["pid"] for e in evs if e.get("pid")}


def alive(pid):
    """True when pid still exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
    except OSError:
        return False
    return st[st.rindex(")") + 2] != "Z"


def no_leftovers(evs, what):
    left = [p for p in pids(evs) if alive(p)]
    check(not left, f"{what}: processes left running: {left}")


class Interactive:
    """sockstep batch --steps - : send a SPEC line, wait for 'ready'."""

    def __init__(self, args):
        self.p = subprocess.Popen([SOCKSTEP, "batch", "--json", "--steps",
                                   "-"] + args, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.events = []
        self.read_until_ready()

    def read_until_ready(self):
        new = []
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise RuntimeError("sockstep ended: " + self.p.stderr.read())
            ev = json.loads(line)
            if ev.get("event") == "ready":
                self.events += new
                return new
            new.append(ev)

    def step(self, spec):
        self.p.stdin.write(spec + "\n")
        self.p.stdin.flush()
        return self.read_until_ready()

    def close(self):
        self.p.stdin.close()
        rest = self.p.stdout.read()
        self.events += events(rest)
        rc = self.p.wait(timeout=30)
        return rc


def ss(args):
    """ss output lines (no header)."""
    out = subprocess.run(["ss", "-H"] + args, capture_output=True,
                         text=True, check=True).stdout
    return [l.split() for l in out.splitlines() if l.strip()]


def port_of(addr):
    return int(addr.rsplit(":", 1)[1])


def ready_port(ev_list):
    for e in ev_list:
        for l in e.get("kernel", {}).get("listeners", []):
            return port_of(l["addr"])
    return None
