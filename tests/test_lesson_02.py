"""Lesson 02 (connect before listen): while the server has only bound its
port, the client's connect() fails with ECONNREFUSED, and the kernel shows
no listener on the port at that moment; the client's perror() prints the
errno sockstep reports.  After listen() the client's second socket
connects, and the kernel queues it."""
import errno
import os
from sslib import *

LESSON = "02-connect-before-listen"

# 1. Step by step, comparing with ss at each pause.
s = Interactive([LESSON, "--port", "0"])
new = s.step("s s")
bnd = [e for e in new if e["event"] == "return" and e["call"] == "bind"]
check(len(bnd) == 1 and bnd[0]["ret"] == 0, f"server bind() returned: {bnd}")
port = port_of(bnd[0]["local"]) if bnd else None
if port:
    check(ss_listener(port) is None,
          f"ss: nothing listens on {port} after bind() alone")

new = s.step("c c")
con = [e for e in new if e["event"] == "return" and e["call"] == "connect"]
check(len(con) == 1 and con[0]["ret"] == -1 and
      con[0]["errno"] == "ECONNREFUSED",
      f"first connect() = -1 ECONNREFUSED: {[(e['ret'], e['errno']) for e in con]}")
if port:
    check(ss_listener(port) is None,
          f"ss: still nothing listens on {port} when connect() is refused")
    check(con and con[0]["kernel"]["listeners"] == [],
          f"sockstep saw no listener either: {con and con[0]['kernel']['listeners']}")
    check(con and f"{SERVER_IP}:{port}" in con[0]["args"][1],
          f"connect() aimed at the lab port: {con and con[0]['args']}")
    # The server's socket is bound (its port is taken), just not listening.
    srv = [k for k in last_kernel(s.events)["sockets"] if k["side"] == "server"]
    check(len(srv) == 1 and srv[0]["state"] == "CLOSE" and
          port_of(srv[0]["local"]) == port,
          f"server socket bound to {port}, state CLOSE: {srv}")
new += s.step("c")
if con and con[0]["errno"]:
    want = "connect() error: " + os.strerror(getattr(errno, con[0]["errno"]))
    check(want in output_lines(s.events, "client"),
          f"client's perror() says {want!r}: {output_lines(s.events, 'client')}")

new = s.step("s")
lst = [e for e in new if e["event"] == "return" and e["call"] == "listen"]
check(len(lst) == 1 and lst[0]["ret"] == 0, f"listen() = 0: {lst}")
if port:
    got = ss_listener(port)
    check(got is not None and got[0] == 0,
          f"ss: a listener on {port} with an empty queue now: {got}")
    if got and lst:
        kl = lst[0]["kernel"]["listeners"]
        check(kl and (kl[0]["queue"], kl[0]["backlog"]) == got,
              f"sockstep's queue/backlog {kl} == ss {got}")

new = s.step("c c")
ret = [e for e in new if e["event"] == "return"]
check([(e["call"], e["ret"] >= 0) for e in ret] ==
      [("socket", True), ("connect", True)],
      f"a new socket, and connect() = 0: {[(e['call'], e['ret']) for e in ret]}")
if port and len(ret) == 2:
    cport = port_of(ret[1]["local"])
    got = ss_listener(port)
    check(got is not None and got[0] == 1,
          f"ss: the connection waits in the accept queue: {got}")
    rows = ss(["-tn", "state", "established", f"( dport = :{port} )"])
    check([port_of(r[2]) for r in rows] == [cport],
          f"ss: client socket {CLIENT_IP}:{cport} ESTABLISHED: {rows}")

s.step("s s s s c c")
rc = s.close()
check(rc == 0, f"sockstep exit {rc}")
check(exits(s.events) == {"server": 0, "client": 0},
      f"exit statuses {exits(s.events)}")
check("Message from server: Hello World!" in output_lines(s.events, "client"),
      f"client output {output_lines(s.events, 'client')}")
no_leftovers(s.events, "lesson 02, step by step")

# 2. The lesson's guided order shows the same: refused first, then served.
rc, evs, err = batch_json([LESSON, "--port", "0"])
check(rc == 0, f"guided run exit {rc}: {err}")
cli = [(e["call"], e["ret"], e["errno"]) for e in calls(evs, "client")]
check([c[0] for c in cli] ==
      ["socket", "connect", "close", "socket", "connect", "read", "close"],
      f"guided client calls {cli}")
if len(cli) == 7:
    check(cli[1][1:] == (-1, "ECONNREFUSED") and cli[4][1:] == (0, None),
          f"refused, then connected: {cli[1]}, {cli[4]}")
    check(cli[5][1] == 12, f"read() = {cli[5][1]}")
srv = [e["call"] for e in calls(evs, "server")]
ref = [e["seq"] for e in calls(evs, "client") if e["errno"] == "ECONNREFUSED"]
lis = [e["seq"] for e in calls(evs, "server") if e["call"] == "listen"]
check(ref and lis and ref[0] < lis[0],
      f"the refused connect() came before listen(): {ref} {lis}")
check(exits(evs) == {"server": 0, "client": 0}, f"guided exits {exits(evs)}")
no_leftovers(evs, "lesson 02, guided")
finish()
