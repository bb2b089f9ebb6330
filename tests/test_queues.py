"""The queues behind read() (issue 16 §3) against the kernel: at a paused
moment, sockstep's SYN queue, Send-Q, bytes not sent, rtt, retransmissions
and ListenOverflows equal what ss -tmi and nstat show inside the same lab
network then; and each new check form of a lesson passes and fails.

A figure a timer may move between sockstep's look and ss's (a SYN sent
again, a counter) is bracketed: ss before <= sockstep <= ss after."""
import os
import re
import subprocess
import sys
import tempfile
from sslib import *

PY = os.path.realpath(sys.executable)
SRC = os.path.dirname(os.path.abspath(__file__))
PROG = f"{PY} {SRC}/queues.py"


class Run(Interactive):
    """sockstep run --batch --json --steps -, stepped like Interactive."""

    def __init__(self, args):
        self.p = subprocess.Popen([SOCKSTEP, "run", "--batch", "--json",
                                   "--steps", "-"] + args,
                                  stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        self.events = []
        self.read_until_ready()


def ss_info(port, state=None):
    """ss -tmni rows on the port: {local port: dict} with state, recvq,
    sendq and the -i words we compare (rtt, retrans, notsent)."""
    args = ["-tmni"]
    args += ["state", state] if state else ["-a"]
    args += [f"( sport = :{port} or dport = :{port} )"]
    # Both hosts of a lesson's lab: its clients are on the client host.
    out = "".join(subprocess.run(in_lab(["ss", "-H"] + args, host=h),
                                 capture_output=True, text=True,
                                 check=True).stdout
                  for h in ["server"] + (["client"] if client_ns() else []))
    rows, cur = {}, None
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line[0].isspace():
            w = line.split()
            if state:	# ss leaves the state out when it was asked for
                w = [state.upper()] + w
            cur = {"state": w[0], "recvq": int(w[1]), "sendq": int(w[2]),
                   "local": w[3], "peer": w[4], "rtt": None,
                   "retrans": (0, 0), "notsent": 0}
            rows.setdefault(port_of(w[3]), []).append(cur)
            continue
        m = re.search(r"\brtt:([0-9.]+)/([0-9.]+)", line)
        if m:
            cur["rtt"] = (float(m.group(1)), float(m.group(2)))
        m = re.search(r"\bretrans:(\d+)/(\d+)", line)
        if m:
            cur["retrans"] = (int(m.group(1)), int(m.group(2)))
        m = re.search(r"\bnotsent:(\d+)", line)
        if m:
            cur["notsent"] = int(m.group(1))
    return rows


def nstat(name):
    """An absolute TcpExt counter from nstat in the lab (no history)."""
    out = subprocess.run(in_lab(["nstat", "-asz", name]),
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        w = line.split()
        if w and w[0] == name:
            return int(w[1])
    return None


def side_socks(kv, side):
    return [k for k in kv["sockets"] if k["side"] == side]


# 1. The SYN queue: a listener with TCP_DEFER_ACCEPT keeps a finished
# handshake as SYN-RECV until data comes (the client's connect() has
# returned).  ss lists it as SYN-RECV; sockstep counts it per listener.
s = Run(["--port", "0", "--clients", "2", "--server", f"{PROG} server {{port}}",
         "--client", f"{PROG} client {{ip}} {{port}}"])
new = s.step("s@listen")
kv = last_kernel(new)
lst = kv["listeners"]
check(len(lst) == 1 and lst[0]["syn_queue"] == 0,
      f"a listener, its SYN queue empty: {lst}")
port = port_of(lst[0]["addr"]) if lst else 0
new = s.step("c@connect")
con = [e for e in new if e["event"] == "return" and e["call"] == "connect"]
check(len(con) == 1 and con[0]["ret"] == 0, f"connect() returned 0: {con}")
kv = last_kernel(new)
half = ss(["-tn", "state", "syn-recv", f"( sport = :{port} )"])
check(len(half) == 1 and kv["listeners"] and
      kv["listeners"][0]["syn_queue"] == len(half) and
      kv["listeners"][0]["queue"] == 0,
      f"SYN queue: sockstep {kv['listeners']} vs ss SYN-RECV {half}")
# The client's rtt: its connection is idle, so ss sees the same figure.
cl = side_socks(kv, "client")
rows = ss_info(port, "established")
mine = rows.get(port_of(cl[0]["local"]), [{}])[0] if cl else {}
check(cl and cl[0]["rtt_us"] is not None and mine.get("rtt") and
      abs(cl[0]["rtt_us"] / 1000 - mine["rtt"][0]) < 0.0006 and
      abs(cl[0]["rttvar_us"] / 1000 - mine["rtt"][1]) < 0.0006,
      f"client rtt/rttvar: sockstep {cl and (cl[0]['rtt_us'], cl[0]['rttvar_us'])}"
      f" us vs ss {mine.get('rtt')} ms")

# The first data completes it: SYN queue 0, accept queue 1.
new = s.step("c")
kv = last_kernel(new)
half = ss(["-tn", "state", "syn-recv", f"( sport = :{port} )"])
check(kv["listeners"] and kv["listeners"][0]["syn_queue"] == len(half) == 0
      and kv["listeners"][0]["queue"] == ss_listener(port)[0] == 1,
      f"data moved it to the accept queue: {kv['listeners']}, ss {half}")

# 2. Bytes not acknowledged: the server reads one line and no more; the
# client's big write blocks with its send queue full.
new = s.step("s@recvfrom")
got = [e for e in new if e["event"] == "return" and e["call"] == "recvfrom"]
check(got and got[0]["ret"] == 6, f"the server read the first line: {got}")
new = s.step("c")
blk = [e for e in new if e["event"] == "blocked" and e["side"] == "client"]
check(blk, f"the client's big write blocks: {[e['event'] for e in new]}")
# The bytes in flight when it blocked are acknowledged (or dropped and
# sent again) by the kernel's own timers: wait until ss shows none in
# flight (Send-Q all not sent), then let client 2 make its socket, a
# step that does not touch this connection, and compare that snapshot.
cl = side_socks(last_kernel(new), "client")
cport = port_of(cl[0]["local"]) if cl else 0


def client_row():
    return (ss_info(port, "established").get(cport) or [None])[0]


before = wait_for(lambda: (lambda r: r if r and r["sendq"] == r["notsent"]
                           else None)(client_row()), 30)
check(before, f"ss: the client's bytes in flight settle: {client_row()}")
new = s.step("c2")
mine = client_row() or {}
cl = side_socks(last_kernel(new), "client")
check(cl and before and mine and
      before["sendq"] >= cl[0]["wqueue"] >= mine["sendq"] > 0 and
      cl[0]["unacked"] == cl[0]["wqueue"],
      f"client Send-Q: ss {before and before['sendq']} >= sockstep "
      f"wqueue/unacked {cl and (cl[0]['wqueue'], cl[0]['unacked'])} >= ss "
      f"{mine.get('sendq')}")
check(cl and before and mine and
      before["notsent"] >= cl[0]["notsent"] >= mine["notsent"] > 0,
      f"client bytes not sent: ss {before and before['notsent']} >= "
      f"sockstep {cl and cl[0]['notsent']} >= ss {mine.get('notsent')}")
rows = ss_info(port, "established")
kv = last_kernel(new)
check(cl and mine and cl[0]["total_retrans"] <= mine["retrans"][1],
      f"client retransmissions: sockstep {cl and cl[0]['total_retrans']} "
      f"<= ss {mine.get('retrans')}")
srv = [k for k in side_socks(kv, "server") if k["state"] == "ESTABLISHED"]
smine = [r for r in rows.get(port, []) if r["peer"].endswith(
    f":{port_of(cl[0]['local'])}")] if cl else []
check(srv and smine and srv[0]["rqueue"] == smine[0]["recvq"] > 0,
      f"server Recv-Q: sockstep {srv and srv[0]['rqueue']} vs ss "
      f"{smine and smine[0]['recvq']}")
check(s.close() == 0, "run exit 0")
no_leftovers(s.events, "queues run")

# 3. Lesson 5: clients beyond the full queue.  Their SYNs are dropped and
# counted (ListenOverflows, nstat in the lab); their sockets count the
# SYNs sent again, as ss -i's retrans does.
s = Interactive(["05-backlog", "--port", "0"])
s.step("s s s c c c2 c2 c3 c3")
before = nstat("TcpExtListenOverflows")
new = s.step("c4 c4")
after = nstat("TcpExtListenOverflows")
kv = last_kernel(new)
got = kv["listen_overflows"]
check(before is not None and got is not None and before + 1 <= got <= after,
      f"ListenOverflows: nstat {before} before client 4's SYN, sockstep "
      f"{got}, nstat {after} after (its SYN dropped)")
drops = nstat("TcpExtListenDrops")
check(kv["listen_drops"] is not None and kv["listen_drops"] <= drops and
      kv["listen_drops"] >= got,
      f"ListenDrops: sockstep {kv['listen_drops']} <= nstat {drops}, and "
      f"counts the overflows {got}")
check(kv["listeners"] and kv["listeners"][0]["syn_queue"] == 0 and
      not ss(["-tn", "state", "syn-recv", f"( sport = :{ready_port(s.events)} )"]),
      f"a dropped SYN leaves no request in the SYN queue: {kv['listeners']}")
port = ready_port(s.events)
c4 = [k for k in side_socks(kv, "client4") if k["state"] == "SYN-SENT"]
row = ss_info(port, "syn-sent").get(port_of(c4[0]["local"]), [None])[0] \
    if c4 else None
check(c4 and row and c4[0]["wqueue"] == row["sendq"] == 1 and
      c4[0]["unacked"] == 0,
      f"SYN-SENT: Send-Q {row and row['sendq']} (the SYN), sockstep wqueue "
      f"{c4 and c4[0]['wqueue']}, unacked {c4 and c4[0]['unacked']} (no byte)")
# Wait (for the kernel, not a time) until ss shows client 4's SYN sent
# again, then take a step that does not touch it: sockstep's count lies
# between ss's before and after.
lp = port_of(c4[0]["local"]) if c4 else 0
seen = wait_for(lambda: (ss_info(port, "syn-sent").get(lp, [{"retrans": (0, 0)}])
                        [0]["retrans"][1]), 30)
check(seen, "ss: client 4 sent its SYN again")
new = s.step("c5 c5")
after = (ss_info(port, "syn-sent").get(lp) or ss_info(port).get(lp) or
         [{"retrans": (0, 0)}])[0]["retrans"][1]
c4 = side_socks(last_kernel(new), "client4")
check(c4 and seen and seen <= c4[0]["total_retrans"] <= max(after, seen),
      f"client 4's SYN sent again: ss {seen}, sockstep "
      f"{c4 and c4[0]['total_retrans']}, ss after {after}")
check(s.close() == 0, "lesson 5 exit 0")
no_leftovers(s.events, "lesson 5")

# 4. The check forms, each passing and failing, in a lesson of our own
# (the run of part 1 and 2, stepped by check-lesson).
HEAD = f"""[lesson]
title.en = q
title.zh = q
goal.en = g
goal.zh = g
server = {PROG} server {{port}}
client = {PROG} client {{ip}} {{port}}
steps = s@listen c@connect c s@recvfrom c
[checks]
"""
GOOD = ["after 1 = syn-queue = 0", "after 2 = syn-queue = 1",
        "after 3 = syn-queue = 0", "after 3 = listen-overflows >= 0",
        "after 3 = listen-drops >= 0", "after 2 = client unacked = 0",
        "after 5 = client unacked > 100000", "after 2 = client retransmits >= 0",
        "after 5 = server unacked = 0"]
BAD = [("after 2 = syn-queue = 0", "expected SYN queue = 0, the kernel shows 1"),
       ("after 5 = client unacked = 0", "expected bytes unacked = 0, the kernel shows"),
       ("after 2 = client retransmits > 1000", "expected segments sent again > 1000"),
       ("after 3 = listen-overflows < 0", "expected ListenOverflows < 0"),
       ("after 3 = listen-drops < 0", "expected ListenDrops < 0")]


def lesson(checks):
    d = tempfile.mkdtemp()
    with open(os.path.join(d, "lesson.ini"), "w") as f:
        f.write(HEAD + "".join(c + "\n" for c in checks))
    return d


rc, out, err = run(["check-lesson", lesson(GOOD)], timeout=90)
check(rc == 0 and f"{len(GOOD)} checks passed" in out,
      f"the check forms hold: {rc} {out!r} {err!r}")
rc, out, err = run(["check-lesson", lesson([b for b, _ in BAD])], timeout=90)
for expr, why in BAD:
    check(rc == 1 and any(expr.split(" = ", 1)[1] in l and why in l
                          for l in (out + err).splitlines()),
          f"'{expr}' fails with '{why}': {rc} {out + err!r}")
finish()
