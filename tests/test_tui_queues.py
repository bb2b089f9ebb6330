"""The queues on screen (issue 16 §3), lesson 5 in tmux: once client 4's
SYN meets the full accept queue, the kernel pane has a "dropped" row with
ListenOverflows as nstat reads it in the lab, marked with what the step
changed, and client 4's SYN-SENT row counts the SYNs its kernel resent,
as ss -ti's retrans does.  Figures a timer moves are bracketed: the
screen's value lies between 1 and what the kernel shows after it."""
import os
import re
import shlex
import subprocess
import sys

import tuilib
from tuilib import tmux, screen
from sslib import *

NAME = "queues"
UTF8 = "C.UTF-8"


def start(x, y):
    scratch = shlex.quote(os.path.join(tuilib.TMP, "state"))
    cmd = (f"cd {shlex.quote(tuilib.TMP)}; env {tuilib.ENV} LANG={UTF8} "
           f"XDG_STATE_HOME={scratch} {shlex.quote(SOCKSTEP)} lesson 05 "
           f"--port 0; echo sockstep-exit=$?; sleep 300")
    tmux("new-session", "-d", "-x", str(x), "-y", str(y), "-s", NAME, cmd)


def has(*pats):
    return lambda s: all(re.search(p, s) for p in pats)


def keys(*k):
    tmux("send-keys", "-t", NAME, *k)


def nstat(name):
    out = subprocess.run(in_lab(["nstat", "-asz", name]),
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        w = line.split()
        if w and w[0] == name:
            return int(w[1])
    return None


try:
    start(100, 60)
    tuilib.wait(NAME, has(r"paused before socket\(\)"), "started", 20)
    lab_pid(tuilib.sockstep_pid(NAME))
    # Guided steps 1-8, then step 9's question (answer 1), step 10, and
    # step 11's question (answer 3): client 4's connect() meets the full
    # queue.  Each answer runs its step; z closes the box that follows.
    for i in range(8):
        keys(" ")
        tuilib.wait(NAME, has(rf"guided step {i + 2}/"), f"step {i + 1}", 20)
    keys(" ")
    tuilib.wait(NAME, has(r"predict", r"two connections already wait"), "question 9", 20)
    keys("1")
    tuilib.wait(NAME, has(r"what the kernel did"), "verdict 9", 20)
    keys("z")
    tuilib.wait(NAME, lambda s: "what the kernel did" not in s, "box 9 closed")
    keys(" ")
    tuilib.wait(NAME, has(r"guided step 11/"), "step 10", 20)
    keys(" ")
    tuilib.wait(NAME, has(r"predict", r"The queue holds 3"), "question 11", 20)
    keys("3")
    tuilib.wait(NAME, has(r"what the kernel did"), "verdict 11", 20)
    keys("z")
    text = tuilib.wait(NAME, has(r"dropped +ListenOverflows (\d+), ListenDrops "
                                 r"(\d+) \(/proc/net/netstat"),
                       "the dropped row", 20)
    after = nstat("TcpExtListenOverflows")
    m = re.search(r"dropped +ListenOverflows (\d+), ListenDrops (\d+) "
                  r"\(/proc/net/netstat\S*\)\s*(?:\+(\d+) \(was (\d+)\))?", text)
    check(m and after is not None and 1 <= int(m.group(1)) <= after,
          f"screen ListenOverflows {m and m.group(1)} within 1..nstat {after}")
    lab = tuilib.sockstep_pid(NAME) and ns_id(tuilib.sockstep_pid(NAME),
                                              "net") != ns_id("self", "net")
    if m and lab:
        # A fresh lab counts from 0, and nothing dropped before step 11.
        check(m.group(3) is not None and int(m.group(3)) == int(m.group(1))
              and m.group(4) == "0",
              f"the step's mark: +{m.group(3)} (was {m.group(4)}), "
              f"now {m.group(1)}")
    # Client 4's row: SYN-SENT, and soon its first SYN resent.
    text = tuilib.wait(NAME, has(r"SYN-SENT +client4 fd \d+ +\S+:(\d+) ↔ \S+, "
                                 r"\d+ SYNs? resent"), "client 4 resends", 30)
    m = re.search(r"SYN-SENT +client4 fd \d+ +\S+:(\d+) ↔ \S+, (\d+) SYNs? "
                  r"resent", text)
    if m:
        rows = ss(["-tni", "state", "syn-sent", f"( sport = :{m.group(1)} )"])
        words = " ".join(" ".join(r) for r in rows)
        r = re.search(r"\bretrans:\d+/(\d+)", words)
        check(r and 1 <= int(m.group(2)) <= int(r.group(1)),
              f"screen: client 4 resent {m.group(2)} SYNs, ss after: "
              f"{r and r.group(1)} ({words})")
    lines = screen(NAME).splitlines()
    check(all(len(l) <= 100 for l in lines), "nothing past the edge")
    keys("q")
    tuilib.wait(NAME, has(r"sockstep-exit=0"), "q quits with 0", 20)
finally:
    tuilib.cleanup()
finish()
